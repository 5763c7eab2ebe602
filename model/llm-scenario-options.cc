// SPDX-License-Identifier: GPL-2.0-only

#include "llm-scenario-options.h"

#include "edge-llm-compat.h"
#include "llm-input-error.h"
#include "llm-model-config.h"
#include "ns3/command-line.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace ns3
{

namespace
{

const char* kSource = "command line";

/// Parse a finite positive number, or throw naming the option.
double
PositiveNumber(const std::string& option, const std::string& text)
{
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || text.find_first_not_of("0123456789.eE+-") != std::string::npos
        || *end != '\0' || errno != 0 || !std::isfinite(v) || !(v > 0))
    {
        throw LlmInputError(kSource, option, "expected a positive number, got \"" + text + "\"");
    }
    return v;
}

/// Parse a positive integer below 2^32, or throw naming the option.
uint32_t
PositiveInteger(const std::string& option, const std::string& text)
{
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || text[0] == '-' || *end != '\0' || errno != 0 || v == 0 || v > UINT32_MAX)
    {
        throw LlmInputError(kSource, option, "expected a positive integer, got \"" + text + "\"");
    }
    return static_cast<uint32_t>(v);
}

} // namespace

void
LlmScenarioOptions::AddToCommandLine(CommandLine& cmd)
{
    EdgeLlmAddTextValue(cmd,
                        "scenario",
                        "Scenario JSON file (default: the built-in OPT-350m scenario)",
                        m_scenario);
    std::string names;
    for (const auto& n : LlmProfile::BuiltInNames())
    {
        names += (names.empty() ? "" : ", ") + n;
    }
    EdgeLlmAddTextValue(cmd,
                        "model",
                        "Replace the model by a built-in profile (" + names + ")",
                        m_model);
    EdgeLlmAddTextValue(cmd,
                        "model-config",
                        "Replace the model by the profile of a Hugging Face config.json file "
                        "(model_type opt, llama, gpt2, gpt_neox or mistral)",
                        m_modelConfig);
    EdgeLlmAddTextValue(cmd,
                        "delta",
                        "Override the weight-error budget delta (positive number)",
                        m_delta);
    EdgeLlmAddTextValue(cmd, "tokens", "Override n, the number of generated tokens", m_tokens);
    EdgeLlmAddTextValue(cmd, "batch", "Override beta, the batch size (sequences)", m_batch);
    EdgeLlmAddTextValue(cmd, "b-min", "Override b_min, the smallest bit width (bits)", m_bMin);
    EdgeLlmAddTextValue(cmd, "b-max", "Override b_max, the largest bit width (bits)", m_bMax);
    EdgeLlmAddTextValue(cmd, "b-step", "Override the step between bit widths (bits)", m_bStep);
    EdgeLlmAddTextValue(cmd,
                        "max-layers-per-server",
                        "Override constraint (2d): a positive integer or \"unlimited\"",
                        m_maxLayers);
    EdgeLlmAddTextValue(cmd,
                        "access-path",
                        "Count the user's access path in the objective: the user behind this "
                        "server (1 Gbit/s, 1 ms access link unless the scenario's user says "
                        "otherwise); \"none\": the paper's T without it",
                        m_accessPath);
    cmd.AddValue("accept-implausible-units",
                 "Accept ccs_hz < 1e6 Hz, bps < 1e3 bit/s and storage_bytes < 1e3 B (refused by "
                 "default as a unit typed wrong)",
                 m_acceptImplausibleUnits);
}

LlmScenario
LlmScenarioOptions::Build() const
{
    if (!m_model.empty() && !m_modelConfig.empty())
    {
        throw LlmInputError(kSource,
                            "--model-config",
                            "expected either --model or --model-config, got both");
    }
    LlmScenario s = m_scenario.empty() ? LlmScenario::BuiltInDefault()
                                       : LlmScenario::Load(m_scenario, m_acceptImplausibleUnits);
    s.SetAcceptImplausibleUnits(s.GetAcceptImplausibleUnits() || m_acceptImplausibleUnits);
    if (!m_model.empty())
    {
        if (!LlmProfile::IsBuiltIn(m_model))
        {
            LlmProfile::BuiltIn(m_model); // throws, listing the known names
        }
        s.SetModel(LlmProfile::BuiltIn(m_model), m_model);
    }
    if (!m_modelConfig.empty())
    {
        s.SetModel(LlmProfile::FromArchitecture(LlmModelConfig::Read(m_modelConfig)));
    }
    if (!m_delta.empty())
    {
        s.GetQuantization().delta = PositiveNumber("--delta", m_delta);
    }
    if (!m_tokens.empty())
    {
        s.GetWorkload().tokens = PositiveInteger("--tokens", m_tokens);
    }
    if (!m_batch.empty())
    {
        s.GetWorkload().batch = PositiveInteger("--batch", m_batch);
    }
    if (!m_bMin.empty())
    {
        s.GetQuantization().bMin = PositiveInteger("--b-min", m_bMin);
    }
    if (!m_bMax.empty())
    {
        s.GetQuantization().bMax = PositiveInteger("--b-max", m_bMax);
    }
    if (!m_bStep.empty())
    {
        s.GetQuantization().bStep = PositiveInteger("--b-step", m_bStep);
    }
    if (!m_maxLayers.empty())
    {
        if (m_maxLayers == "unlimited")
        {
            s.SetMaxLayersPerServer(std::nullopt);
        }
        else
        {
            s.SetMaxLayersPerServer(PositiveInteger("--max-layers-per-server", m_maxLayers));
        }
    }
    if (m_accessPath == "none")
    {
        s.SetUser(std::nullopt);
    }
    else if (!m_accessPath.empty())
    {
        if (!s.FindServer(m_accessPath))
        {
            throw LlmInputError(kSource,
                                "--access-path",
                                "expected the name of a scenario server or \"none\", got \""
                                    + m_accessPath + "\"");
        }
        LlmUser user = s.GetUser().value_or(LlmUser());
        user.server = m_accessPath;
        s.SetUser(user);
    }
    const uint32_t originalBits = s.GetModel().GetOriginalBits();
    if (!m_modelConfig.empty() && s.GetQuantization().bMax > originalBits)
    {
        // A float16 checkpoint cannot keep 32 bits: say how to fix it, not only what is wrong.
        throw LlmInputError(kSource,
                            "--model-config",
                            m_modelConfig + " gives a model stored with "
                                + std::to_string(originalBits) + " bits (torch_dtype), fewer than "
                                + "b_max = " + std::to_string(s.GetQuantization().bMax)
                                + " of the scenario: pass --b-max=" + std::to_string(originalBits)
                                + " or lower");
    }
    // The overrides together must still make a valid scenario (e.g. b_min <= b_max).
    s.Validate(GetSource() + " with command-line overrides");
    return s;
}

std::string
LlmScenarioOptions::GetSource() const
{
    return m_scenario.empty() ? std::string("built-in scenario") : m_scenario;
}

} // namespace ns3
