// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-split: adaptive split computing (Sung et al., arXiv 2511.04002, the reading of
// doc/edge-llm.rst): a memory-limited device runs the embedding and the first ℓ decoder blocks,
// compresses the activation (TS + TAB-Q), the cloud runs the rest and returns each token id.
// Chooses ℓ, the front and back weight bits (OPSC), the activation setting, the KV bits and
// checks the context with LlmSplitOptimizer, then simulates the setting and a cloud-only
// deployment of the same workload packet by packet in ns-3 (LlmSplitSimulation).
//
//   edge-llm-split                                   # Llama-2-7b, 8 GiB device, 1 device
//   edge-llm-split --model=llama-2-70b --device-memory=4GiB --devices=64
//   edge-llm-split --split-layer=8 --front-bits=4 --activation-bits=4   # evaluate one setting
//   edge-llm-split --model-config=config.json --output=split.json --no-simulation
//   edge-llm-split --devices=16 --access=wifi-ax --pcap=split --flowmon-xml=flows.xml
//
// Fix any decision with --split-layer, --front-bits, --back-bits, --kv-bits,
// --activation-bits (16: fp16 without the codec), --outlier-ratio, --context. The devices reach
// the router over point-to-point links (--uplink, --downlink) or share one Wi-Fi network
// (--access=wifi-ac or wifi-ax: its PHY rate replaces --uplink and --downlink). The transport
// options (--transport, --mtu, --ideal, --loss, ...) and the output files (--pcap, --ascii,
// --flowmon-xml, --netanim, --token-csv: of the split run) are those of edge-llm-simulate.
// Options are read whole and strictly; a bad value stops with one line naming it (exit 1); a
// setting that cannot be met says what binds (exit 2).

#include "ns3/command-line.h"
#include "ns3/edge-llm-module.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

using namespace ns3;

namespace
{

const char* const kSource = "command line";

/// A size in bytes: a number with an optional unit (B, kB, MB, GB, KiB, MiB, GiB).
uint64_t
Bytes(const std::string& option, const std::string& text)
{
    static const std::pair<const char*, double> units[] = {{"GiB", 1073741824.0},
                                                           {"MiB", 1048576.0},
                                                           {"KiB", 1024.0},
                                                           {"GB", 1e9},
                                                           {"MB", 1e6},
                                                           {"kB", 1e3},
                                                           {"B", 1.0}};
    std::string number = text;
    double scale = 1.0;
    for (const auto& [unit, factor] : units)
    {
        const std::string u(unit);
        if (text.size() > u.size() && text.compare(text.size() - u.size(), u.size(), u) == 0)
        {
            number = text.substr(0, text.size() - u.size());
            scale = factor;
            break;
        }
    }
    const double v = LlmTextParse::Number(kSource,
                                          option,
                                          number,
                                          1.0,
                                          1e18,
                                          "a size in bytes with an optional unit (4GiB, 512MB, "
                                          "8e9)");
    return static_cast<uint64_t>(std::llround(v * scale));
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string model = "llama-2-7b";
    std::string modelConfig;
    std::string deviceMemory = "8GiB";
    std::string reserve = "2GiB";
    std::string devices = "1";
    std::string prompt = "128";
    std::string tokens = "128";
    std::string uplink;   // default 20e6 (p2p access)
    std::string downlink; // default 50e6 (p2p access)
    std::string access = "p2p";
    std::string delay = "0.03";
    std::string deviceFlops = "1e12";
    std::string cloudFlops = "3e13";
    std::string qualityBudget = "0.05";
    std::string objective = "min-latency";
    std::string metric = "tpot";
    std::string split, frontBits, backBits, kvBits, activationBits, outlierRatio, context;
    bool noSimulation = false;
    std::string output;

    CommandLine cmd(__FILE__);
    LlmProgramOptions options(cmd, LlmProgramOptions::TRANSPORT | LlmProgramOptions::OUTPUTS);
    EdgeLlmAddTextValue(cmd, "model", "Built-in profile (llama-2-7b, -13b, -70b, opt-*)", model);
    EdgeLlmAddTextValue(cmd, "model-config", "A Hugging Face config.json instead", modelConfig);
    EdgeLlmAddTextValue(cmd, "device-memory", "M_max of the device (4GiB, 8e9, ...)", deviceMemory);
    EdgeLlmAddTextValue(cmd, "reserve", "B_rt, the device's runtime reserve", reserve);
    EdgeLlmAddTextValue(cmd, "devices", "K devices sharing the cloud, 1 ... 1024", devices);
    EdgeLlmAddTextValue(cmd, "prompt", "P, prompt tokens", prompt);
    EdgeLlmAddTextValue(cmd, "tokens", "G, tokens generated per request", tokens);
    EdgeLlmAddTextValue(cmd,
                        "uplink",
                        "Device -> router rate, bit/s (p2p access; default 20e6)",
                        uplink);
    EdgeLlmAddTextValue(cmd,
                        "downlink",
                        "Router -> device rate, bit/s (p2p access; default 50e6)",
                        downlink);
    EdgeLlmAddTextValue(cmd,
                        "access",
                        "Devices to router: p2p (a link each at --uplink/--downlink), wifi-ac or "
                        "wifi-ax (one shared network at the standard's PHY rate) (default p2p)",
                        access);
    EdgeLlmAddTextValue(cmd, "delay", "One-way propagation delay, s", delay);
    EdgeLlmAddTextValue(cmd, "device-flops", "Device FLOP/s", deviceFlops);
    EdgeLlmAddTextValue(cmd, "cloud-flops", "Cloud FLOP/s", cloudFlops);
    EdgeLlmAddTextValue(cmd, "quality-budget", "Largest quality proxy (inf: none)", qualityBudget);
    EdgeLlmAddTextValue(cmd, "objective", "min-latency or max-quality", objective);
    EdgeLlmAddTextValue(cmd, "metric", "tpot or total (TTFT + (G-1) TPOT)", metric);
    EdgeLlmAddTextValue(cmd, "split-layer", "Fix l, decoder blocks on the device", split);
    EdgeLlmAddTextValue(cmd, "front-bits", "Fix Q_w1, the device's weight bits", frontBits);
    EdgeLlmAddTextValue(cmd, "back-bits", "Fix Q_w2, the cloud's weight bits", backBits);
    EdgeLlmAddTextValue(cmd, "kv-bits", "Fix Q_kv, the KV cache's bits", kvBits);
    EdgeLlmAddTextValue(cmd, "activation-bits", "Fix b of TAB-Q (16: fp16)", activationBits);
    EdgeLlmAddTextValue(cmd, "outlier-ratio", "Fix rho, the TS outlier ratio", outlierRatio);
    EdgeLlmAddTextValue(cmd, "context", "Fix N, the context in tokens (default P + G)", context);
    cmd.AddValue("no-simulation", "Optimize only", noSimulation);
    EdgeLlmAddTextValue(cmd, "output", "Write the results as JSON", output);
    try
    {
        options.Parse(argc, argv);
        const LlmSplitSimulation::Access medium =
            LlmSplitSimulation::ParseAccess(access, "--access");
        if (medium != LlmSplitSimulation::Access::P2P && options.GetSetting().mtu > 2296)
        {
            throw LlmInputError(kSource,
                                "--mtu",
                                "expected 576 ... 2296 bytes with Wi-Fi access (--access=" + access
                                    + ": its MSDU limit), got "
                                    + std::to_string(options.GetSetting().mtu));
        }
        if (!options.GetOutputs().placementCsv.empty())
        {
            throw LlmInputError(kSource,
                                "--placement-csv",
                                "edge-llm-split has no placement table (the setting is printed, "
                                "and written by --output)");
        }
        using Opt = LlmSplitOptimizer;
        const LlmArchitecture arch = modelConfig.empty() ? LlmProfile::BuiltInArchitecture(model)
                                                         : LlmModelConfig::Read(modelConfig);
        Opt::Inputs in;
        in.deviceMemoryBytes = Bytes("--device-memory", deviceMemory);
        in.reserveBytes = Bytes("--reserve", reserve);
        in.devices = static_cast<uint32_t>(
            LlmTextParse::Integer(kSource, "--devices", devices, 1, LlmSplitSetting::MAX_DEVICES));
        in.promptTokens =
            static_cast<uint32_t>(LlmTextParse::Integer(kSource, "--prompt", prompt, 1, 1 << 20));
        in.generatedTokens =
            static_cast<uint32_t>(LlmTextParse::Integer(kSource, "--tokens", tokens, 1, 1 << 20));
        if (medium == LlmSplitSimulation::Access::P2P)
        {
            in.uplinkBps = LlmTextParse::Number(kSource,
                                                "--uplink",
                                                uplink.empty() ? "20e6" : uplink,
                                                1e3,
                                                1e15);
            in.downlinkBps = LlmTextParse::Number(kSource,
                                                  "--downlink",
                                                  downlink.empty() ? "50e6" : downlink,
                                                  1e3,
                                                  1e15);
        }
        else if (!uplink.empty() || !downlink.empty())
        {
            throw LlmInputError(kSource,
                                uplink.empty() ? "--downlink" : "--uplink",
                                "a Wi-Fi access network (--access=" + access
                                    + ") runs at its standard's PHY rate: omit --uplink and "
                                      "--downlink, or use --access=p2p");
        }
        else
        {
            // The optimizer plans with the rate the simulation's analysis uses.
            LlmSplitSetting wifi;
            wifi = LlmSplitSimulation::WithAccess(wifi, medium);
            in.uplinkBps = wifi.uplinkBps;
            in.downlinkBps = wifi.downlinkBps;
        }
        in.propagationSeconds = LlmTextParse::Number(kSource, "--delay", delay, 0, 100);
        in.deviceFlops = LlmTextParse::Number(kSource, "--device-flops", deviceFlops, 1e6, 1e20);
        in.cloudFlops = LlmTextParse::Number(kSource, "--cloud-flops", cloudFlops, 1e6, 1e20);
        in.qualityBudget =
            qualityBudget == "inf"
                ? INFINITY
                : LlmTextParse::Number(kSource, "--quality-budget", qualityBudget, 0, 1e300);
        if (objective != "min-latency" && objective != "max-quality")
        {
            throw LlmInputError(kSource,
                                "--objective",
                                "expected min-latency or max-quality, got \"" + objective + "\"");
        }
        in.objective =
            objective == "min-latency" ? Opt::Objective::MIN_LATENCY : Opt::Objective::MAX_QUALITY;
        if (metric != "tpot" && metric != "total")
        {
            throw LlmInputError(kSource,
                                "--metric",
                                "expected tpot or total, got \"" + metric + "\"");
        }
        in.metric = metric == "tpot" ? Opt::LatencyMetric::TPOT : Opt::LatencyMetric::TOTAL;
        // The simulation puts this header in front of every message: count it in the analysis.
        in.messageHeaderBytes = LlmSplitSetting::MESSAGE_HEADER_BYTES;
        Opt::Decisions fixed;
        auto bits = [](const std::string& option, const std::string& text) {
            return static_cast<uint32_t>(LlmTextParse::Integer(kSource, option, text, 1, 32));
        };
        if (!split.empty())
        {
            fixed.splitLayer = static_cast<uint32_t>(
                LlmTextParse::Integer(kSource, "--split-layer", split, 0, arch.numLayers));
        }
        if (!frontBits.empty())
        {
            fixed.frontBits = bits("--front-bits", frontBits);
        }
        if (!backBits.empty())
        {
            fixed.backBits = bits("--back-bits", backBits);
        }
        if (!kvBits.empty())
        {
            fixed.kvBits = bits("--kv-bits", kvBits);
        }
        if (!activationBits.empty())
        {
            fixed.activationBits = static_cast<uint32_t>(
                LlmTextParse::Integer(kSource, "--activation-bits", activationBits, 2, 16));
        }
        if (!outlierRatio.empty())
        {
            fixed.outlierRatio =
                LlmTextParse::Number(kSource, "--outlier-ratio", outlierRatio, 0, 0.5);
        }
        if (!context.empty())
        {
            fixed.context = LlmTextParse::Integer(kSource, "--context", context, 1, 1ULL << 32);
        }
        // A decision fixed outside the candidate sets becomes their only candidate.
        if (fixed.frontBits || fixed.backBits)
        {
            for (uint32_t b : {fixed.frontBits.value_or(0), fixed.backBits.value_or(0)})
            {
                if (b
                    && std::find(in.weightBits.begin(), in.weightBits.end(), b)
                           == in.weightBits.end())
                {
                    in.weightBits.push_back(b);
                }
            }
            std::sort(in.weightBits.begin(), in.weightBits.end());
        }
        if (fixed.kvBits
            && std::find(in.kvBits.begin(), in.kvBits.end(), *fixed.kvBits) == in.kvBits.end())
        {
            in.kvBits.push_back(*fixed.kvBits);
            std::sort(in.kvBits.begin(), in.kvBits.end());
        }
        if (fixed.activationBits || fixed.outlierRatio)
        {
            Opt::ActivationSetting a;
            a.bits = fixed.activationBits.value_or(4);
            a.outlierRatio = a.bits == 16 ? 0.0 : fixed.outlierRatio.value_or(0.0);
            if (std::find(in.activationSettings.begin(), in.activationSettings.end(), a)
                == in.activationSettings.end())
            {
                in.activationSettings.push_back(a);
            }
        }
        in.Validate();
        const Opt optimizer(arch, in);
        const Opt::Result r = optimizer.Optimize(fixed);
        std::printf("Model %s: %u decoder blocks, d = %llu, %u heads (%u KV), context %llu\n",
                    arch.name.c_str(),
                    arch.numLayers,
                    static_cast<unsigned long long>(arch.hiddenSize),
                    arch.numHeads,
                    arch.GetKvHeads(),
                    static_cast<unsigned long long>(arch.maxContext));
        if (!r.feasible)
        {
            std::printf("No setting meets the constraints (%s): %s\n",
                        r.binding.c_str(),
                        r.reason.c_str());
            if (!output.empty())
            {
                std::ofstream(output) << LlmSplitRun::ToJson(r, nullptr, nullptr);
            }
            std::cerr << "edge-llm-split: no setting (" << r.binding << "): " << r.reason
                      << std::endl;
            return 2;
        }
        const auto& m = r.memory;
        std::printf("Setting: split after %u blocks, weights %u/%u bits (device/cloud), KV %u "
                    "bits, activation %s, context %llu tokens (N_max %llu)\n",
                    r.choice.splitLayer,
                    r.choice.frontBits,
                    r.choice.backBits,
                    r.choice.kvBits,
                    r.choice.activation.ToString().c_str(),
                    static_cast<unsigned long long>(r.choice.context),
                    static_cast<unsigned long long>(r.maxContext.value_or(0)));
        std::printf("Device memory %.4g GB of %.4g GB: weights %.4g, KV cache %.4g (%llu B per "
                    "token), activation buffer %.4g, reserve %.4g\n",
                    m.totalBytes / 1e9,
                    r.deviceMemoryBudget / 1e9,
                    m.weightBytes / 1e9,
                    m.kvBytes / 1e9,
                    static_cast<unsigned long long>(r.kvBytesPerToken),
                    m.activationBytes / 1e9,
                    m.reserveBytes / 1e9);
        std::printf("Payload: %llu B per decode token, %llu B at prefill; quality proxy %.4g "
                    "(budget %.4g)\n",
                    static_cast<unsigned long long>(r.payloadBytesPerToken),
                    static_cast<unsigned long long>(r.payloadBytesPrefill),
                    r.qualityProxy,
                    r.qualityBudget);
        std::printf("Access: %s, %.6g Mbit/s up, %.6g Mbit/s down%s\n",
                    access.c_str(),
                    in.uplinkBps / 1e6,
                    in.downlinkBps / 1e6,
                    medium == LlmSplitSimulation::Access::P2P
                        ? ""
                        : " (the standard's PHY rate, one medium for every device)");
        std::printf("Analytic: TTFT %.6g s, TPOT %.6g s; cloud-only TTFT %.6g s, TPOT %.6g s; "
                    "speedup vs cloud-only %.4g (%s)\n",
                    r.ttftSeconds,
                    r.tpotSeconds,
                    r.cloudOnlyTtftSeconds,
                    r.cloudOnlyTpotSeconds,
                    r.speedupVsCloudOnly,
                    metric.c_str());
        if (noSimulation)
        {
            if (!output.empty())
            {
                std::ofstream(output) << LlmSplitRun::ToJson(r, nullptr, nullptr);
            }
            return 0;
        }
        const LlmTransportSetting& t = options.GetSetting();
        LlmSplitSimulation splitRun(LlmSplitRun::ToSetting(r, in, LlmSplitSetting::Mode::SPLIT), t);
        splitRun.SetAccess(medium);
        splitRun.SetOutputs(options.GetOutputs()); // the files describe the split run
        LlmSplitSimulation cloudRun(
            LlmSplitRun::ToSetting(r, in, LlmSplitSetting::Mode::CLOUD_ONLY),
            t);
        cloudRun.SetAccess(medium);
        const LlmSplitSimulationResult a = splitRun.Run();
        const LlmSplitSimulationResult b = cloudRun.Run();
        std::printf("\n%s\n%s", a.ToText().c_str(), b.ToText().c_str());
        std::printf("\nSimulated: TTFT %.6g s, TPOT %.6g s (split); TPOT %.6g s (cloud-only); "
                    "tokens %llu requested, %llu completed, %llu failed\n",
                    a.ttft.mean,
                    a.tpot.mean,
                    b.tpot.mean,
                    static_cast<unsigned long long>(a.tokensRequested),
                    static_cast<unsigned long long>(a.tokensCompleted),
                    static_cast<unsigned long long>(a.tokensFailed));
        if (!output.empty())
        {
            std::ofstream out(output);
            out << LlmSplitRun::ToJson(r, &a, &b);
            if (!out)
            {
                throw LlmInputError(output, "", "cannot write the results");
            }
        }
        return 0;
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-split: " << e.what() << std::endl;
        return 1;
    }
}
