// SPDX-License-Identifier: GPL-2.0-only

#include "llm-split-run.h"

#include "ns3/llm-input-error.h"

#include <nlohmann/json.hpp>

namespace ns3
{

LlmSplitSetting
LlmSplitRun::ToSetting(const LlmSplitOptimizer::Result& r,
                       const LlmSplitOptimizer::Inputs& in,
                       LlmSplitSetting::Mode mode)
{
    if (!r.feasible)
    {
        throw LlmInputError("split setting",
                            r.binding,
                            "expected a feasible setting to simulate: " + r.reason);
    }
    LlmSplitSetting s;
    s.mode = mode;
    s.promptTokens = in.promptTokens;
    s.tokensToGenerate = in.generatedTokens;
    s.devices = in.devices;
    s.splitLayer = r.choice.splitLayer;
    s.devicePrefillSeconds = r.prefill.deviceSeconds + r.prefill.encodeSeconds;
    s.deviceDecodeSeconds = r.decode.deviceSeconds + r.decode.encodeSeconds;
    s.cloudPrefillSeconds = r.prefill.cloudSeconds + r.prefill.decodeSeconds;
    s.cloudDecodeSeconds = r.decode.cloudSeconds + r.decode.decodeSeconds;
    s.payloadPrefillBytes = r.payloadBytesPrefill;
    s.payloadDecodeBytes = r.payloadBytesPerToken;
    s.tokenIdBytes = in.tokenIdBytes;
    s.memoryBudgetBytes = r.deviceMemoryBudget;
    s.deviceStaticBytes = r.memory.weightBytes + r.memory.activationBytes + r.memory.reserveBytes;
    s.kvBytesPerToken = r.kvBytesPerToken;
    // Cloud-only: every layer's FLOPs at the cloud's rate, the prompt's token ids up.
    const double flops = r.deviceFlopsPerToken + r.cloudFlopsPerToken;
    s.promptBytes = static_cast<uint64_t>(in.tokenIdBytes) * in.promptTokens;
    s.cloudOnlyPrefillSeconds = flops * in.promptTokens / in.cloudFlops;
    s.cloudOnlyDecodeSeconds = flops / in.cloudFlops;
    s.uplinkBps = in.uplinkBps;
    s.downlinkBps = in.downlinkBps;
    s.accessDelaySeconds = in.propagationSeconds;
    s.sharedDelaySeconds = 0;
    s.Validate();
    return s;
}

std::string
LlmSplitRun::ToJson(const LlmSplitOptimizer::Result& r,
                    const LlmSplitSimulationResult* split,
                    const LlmSplitSimulationResult* cloudOnly)
{
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(r.ToJson());
    j["analytic_ttft_s"] = r.ttftSeconds;
    j["analytic_tpot_s"] = r.tpotSeconds;
    auto run = [](const LlmSplitSimulationResult& s) {
        nlohmann::ordered_json f = nlohmann::ordered_json::object();
        for (const auto& [reason, n] : s.failures)
        {
            f[reason] = n;
        }
        return nlohmann::ordered_json{{"mode", s.mode},
                                      {"devices", s.devices},
                                      {"transport", s.transport},
                                      {"access", s.access},
                                      {"analytic_ttft_s", s.analyticTtftSeconds},
                                      {"analytic_tpot_s", s.analyticTpotSeconds},
                                      {"simulated_ttft_s", s.ttft.mean},
                                      {"simulated_ttft_p95_s", s.ttft.p95},
                                      {"simulated_tpot_s", s.tpot.mean},
                                      {"simulated_tpot_p95_s", s.tpot.p95},
                                      {"tokens_requested", s.tokensRequested},
                                      {"tokens_completed", s.tokensCompleted},
                                      {"tokens_failed", s.tokensFailed},
                                      {"failures", f},
                                      {"cloud_busy_s", s.cloudBusySeconds},
                                      {"cloud_utilization", s.cloudUtilization},
                                      {"cloud_mean_queueing_s", s.cloudMeanQueueingSeconds},
                                      {"shared_link_bytes", s.GetSharedBytes()},
                                      {"wall_s", s.wallSeconds}};
    };
    if (split)
    {
        const auto s = run(*split);
        j["simulated_ttft_s"] = s["simulated_ttft_s"];
        j["simulated_tpot_s"] = s["simulated_tpot_s"];
        j["tokens_requested"] = s["tokens_requested"];
        j["tokens_completed"] = s["tokens_completed"];
        j["tokens_failed"] = s["tokens_failed"];
        j["failures"] = s["failures"];
        j["split"] = s;
    }
    if (cloudOnly)
    {
        j["cloud_only"] = run(*cloudOnly);
    }
    if (split && cloudOnly && split->tpot.mean > 0 && split->ttft.mean > 0)
    {
        // The optimizer's metric, from the simulated means: TPOT, or TTFT + (G − 1)·TPOT.
        const double g = r.tpotSeconds > 0 ? (r.totalSeconds - r.ttftSeconds) / r.tpotSeconds : 0.0;
        auto latency = [&r, g](const LlmSplitSimulationResult& s) {
            return r.metric == "tpot" ? s.tpot.mean : s.ttft.mean + g * s.tpot.mean;
        };
        j["simulated_speedup_vs_cloud_only"] = latency(*cloudOnly) / latency(*split);
    }
    return j.dump(2) + "\n";
}

} // namespace ns3
