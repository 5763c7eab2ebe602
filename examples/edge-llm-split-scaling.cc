// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-split-scaling: adaptive split computing (Sung et al., arXiv 2511.04002) against
// cloud-only inference as K devices share one cloud server, packet by packet in ns-3.
//
//   edge-llm-split-scaling                              # K = 1 ... 64, TCP, Llama-2-7b
//   edge-llm-split-scaling --devices=1,8,64 --transport=udp --csv=s.csv --plot=s.png
//   edge-llm-split-scaling --memory-budget=3.6e9        # the devices' memory runs out
//   edge-llm-split-scaling --access=wifi-ax             # the devices share one Wi-Fi network
//
// The numbers are ours (the paper's are not public), for Llama-2-7b (LlmProfile "llama-2-7b"):
// per-token compute = the layers' FLOPs (2 per weight, no attention-score FLOPs) at 1e12 FLOP/s
// on the device and 3e13 FLOP/s in the cloud, the prefill P times that; split after ℓ = 8
// decoder blocks (the device runs the embedding and blocks 1-8, the cloud blocks 9-32 and the
// head); the activation at 4 bits without outliers: T·(d·4 + 56) bits + the codec's 8-byte
// header; device weights fp16, KV cache fp16 (ℓ·2·H_kv·D·2 bytes per token), activation buffer
// P·d·2 bytes, 1 GiB runtime reserve, 8 GiB budget (Jetson Xavier NX); cloud-only sends the
// prompt's ids (4·P bytes) and streams the ids back. Each device on a 20 Mbit/s up, 50 Mbit/s
// down, 10 ms access link to a router; the router to the cloud over a 1 Gbit/s, 20 ms link.
// With --access=wifi-ac or wifi-ax the devices are the stations of one Wi-Fi network whose
// access point is the router (the standard's PHY rate instead of 20/50 Mbit/s, the 10 ms on the
// link to the cloud).
//
// Prints per K and mode: TTFT and TPOT (analytic for one device alone, simulated mean and p95),
// tokens completed/failed, the cloud's busy time, utilization and mean queueing delay, bytes
// on the shared link, events and wall time; writes the table as CSV and a figure (PNG + PDF) of
// TPOT and cloud busy time vs K. Exit code 0; 1 on bad input; 3 if tokens were cut off.

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/gnuplot.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace ns3;

namespace
{

const char* const kSource = "command line";

/// The split and cloud-only settings of Llama-2-7b (see the file comment: our numbers).
LlmSplitSetting
Llama2Setting(LlmSplitSetting::Mode mode, uint32_t split, uint32_t bits, uint32_t p, uint32_t g)
{
    const LlmArchitecture arch = LlmProfile::BuiltInArchitecture("llama-2-7b");
    const LlmProfile profile = LlmProfile::BuiltIn("llama-2-7b");
    const double deviceFlops = 1e12;
    const double cloudFlops = 3e13;
    double front = 0; // FLOPs per token of the embedding and blocks 1 ... ℓ
    double back = 0;  // FLOPs per token of blocks ℓ+1 ... L and the head
    uint64_t frontParams = 0;
    for (std::size_t l = 0; l < profile.GetNLayers(); ++l)
    {
        const LlmLayer& layer = profile.GetLayer(l);
        (l <= split ? front : back) += layer.flopsPerToken;
        frontParams += l <= split ? layer.params : 0;
    }
    const uint64_t d = arch.hiddenSize;
    const auto payload = [d, bits](uint64_t tokens) {
        return (tokens * (d * bits + 56) + 7) / 8 + 8; // TS + TAB-Q, no outliers, + header
    };
    LlmSplitSetting s;
    s.mode = mode;
    s.promptTokens = p;
    s.tokensToGenerate = g;
    s.splitLayer = split;
    s.devicePrefillSeconds = p * front / deviceFlops;
    s.deviceDecodeSeconds = front / deviceFlops;
    s.cloudPrefillSeconds = p * back / cloudFlops;
    s.cloudDecodeSeconds = back / cloudFlops;
    s.cloudOnlyPrefillSeconds = p * (front + back) / cloudFlops;
    s.cloudOnlyDecodeSeconds = (front + back) / cloudFlops;
    s.payloadPrefillBytes = payload(p);
    s.payloadDecodeBytes = payload(1);
    s.promptBytes = 4ULL * p;
    s.tokenIdBytes = 4;
    s.memoryBudgetBytes = 8ULL << 30;
    s.deviceStaticBytes = frontParams * 2 + p * d * 2 + (1ULL << 30);
    s.kvBytesPerToken = split * 2ULL * arch.GetKvHeads() * arch.GetHeadDim() * 2;
    s.uplinkBps = 20e6;
    s.downlinkBps = 50e6;
    s.accessDelaySeconds = 0.010;
    s.sharedBps = 1e9;
    s.sharedDelaySeconds = 0.020;
    return s;
}

/// "1,2,4" -> {1, 2, 4}, each 1 ... MAX_DEVICES.
std::vector<uint32_t>
ParseDevices(const std::string& text)
{
    std::vector<uint32_t> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        out.push_back(static_cast<uint32_t>(
            LlmTextParse::Integer(kSource, "--devices", item, 1, LlmSplitSetting::MAX_DEVICES)));
    }
    if (out.empty())
    {
        throw LlmInputError(kSource, "--devices", "expected a list such as 1,2,4, got nothing");
    }
    return out;
}

/// The figure's path without its extension.
std::string
FigureBase(const std::string& path)
{
    return path.size() > 4 && path.substr(path.size() - 4) == ".png"
               ? path.substr(0, path.size() - 4)
               : path;
}

/// Draw TPOT (left axis) and cloud busy time (right axis) against K, both modes.
/// @return true if the PNG and PDF were written
bool
Plot(const std::vector<LlmSplitSimulationResult>& runs,
     const std::string& caption,
     const std::string& path)
{
    const std::string base = path.size() > 4 && path.substr(path.size() - 4) == ".png"
                                 ? path.substr(0, path.size() - 4)
                                 : path;
    Gnuplot plot(base + ".png",
                 "Adaptive split computing vs cloud-only, Llama-2-7b, K devices sharing a cloud\\n"
                     + caption);
    double tLo = INFINITY;
    double tHi = 0;
    double bLo = INFINITY;
    double bHi = 0;
    std::string xtics;
    double kLo = INFINITY;
    double kHi = 0;
    for (const LlmSplitSimulationResult& r : runs)
    {
        kLo = std::min<double>(kLo, r.devices);
        kHi = std::max<double>(kHi, r.devices);
        tLo = std::min(tLo, r.tpot.mean);
        tHi = std::max(tHi, r.tpot.mean);
        bLo = std::min(bLo, r.cloudBusySeconds);
        bHi = std::max(bHi, r.cloudBusySeconds);
        const std::string k = std::to_string(r.devices);
        if (xtics.find("\"" + k + "\"") == std::string::npos)
        {
            xtics += (xtics.empty() ? "" : ", ") + ("\"" + k + "\" " + k);
        }
    }
    plot.SetExtra(
        "set logscale x 2\nset xlabel \"devices K sharing the cloud\"\nset xtics (" + xtics
        + ")\nset xrange [" + std::to_string(kLo / 1.3) + ":" + std::to_string(kHi * 1.3) + "]\n"
        + LlmFigure::Axis("y", "TPOT mean, solid lines", LlmFigure::Unit::SECONDS, true, tLo, tHi)
        + LlmFigure::Axis("y2",
                          "cloud busy time, dashed lines",
                          LlmFigure::Unit::SECONDS,
                          true,
                          bLo,
                          bHi)
        + "set ytics nomirror\nset y2tics nomirror\n" + LlmFigure::Key(4, false)
        + "set grid xtics ytics lc rgb \"#dddddd\"");
    for (const std::string mode : {"split", "cloud-only"})
    {
        const std::string colour = LlmFigure::SolverColour(mode == "split" ? "ilp" : mode);
        Gnuplot2dDataset tpot("TPOT, " + mode);
        Gnuplot2dDataset busy("cloud busy, " + mode);
        tpot.SetStyle(Gnuplot2dDataset::LINES_POINTS);
        busy.SetStyle(Gnuplot2dDataset::LINES_POINTS);
        tpot.SetExtra(LlmFigure::Style(colour, 7, 1));
        busy.SetExtra(LlmFigure::Style(colour, 5, 2) + " axes x1y2");
        for (const LlmSplitSimulationResult& r : runs)
        {
            if (r.mode == mode)
            {
                tpot.Add(r.devices, r.tpot.mean);
                busy.Add(r.devices, r.cloudBusySeconds);
            }
        }
        plot.AddDataset(tpot);
        plot.AddDataset(busy);
    }
    const std::string note = LlmFigure::Draw(plot, base);
    if (!note.empty())
    {
        std::cerr << "edge-llm-split-scaling: " << note;
        return false;
    }
    std::printf("figure: %s.png and %s.pdf\n", base.c_str(), base.c_str());
    return true;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string devicesText = "1,2,4,8,16,32,64";
    std::string promptText = "128";
    std::string tokensText = "64";
    std::string splitText = "8";
    std::string bitsText = "4";
    std::string budgetText;
    std::string csvPath = "split-scaling.csv";
    std::string plotPath = "split-scaling.png";
    std::string accessText = "p2p";
    CommandLine cmd(__FILE__);
    cmd.Usage("Adaptive split computing vs cloud-only as K devices share one cloud: TTFT, TPOT, "
              "cloud load and shared-link bytes, simulated packet by packet.");
    LlmProgramOptions options(cmd, LlmProgramOptions::TRANSPORT);
    EdgeLlmAddTextValue(cmd, "devices", "Values of K, comma-separated", devicesText);
    EdgeLlmAddTextValue(cmd, "prompt", "P, prompt tokens (1 ... 100000)", promptText);
    EdgeLlmAddTextValue(cmd,
                        "tokens",
                        "G, tokens generated per request (1 ... 100000)",
                        tokensText);
    EdgeLlmAddTextValue(cmd, "split", "l, decoder blocks on the device (0 ... 32)", splitText);
    EdgeLlmAddTextValue(cmd, "bits", "Activation bits per element (2 ... 16)", bitsText);
    EdgeLlmAddTextValue(cmd,
                        "memory-budget",
                        "Device memory budget, bytes (default 8 GiB)",
                        budgetText);
    EdgeLlmAddTextValue(cmd,
                        "access",
                        "Devices to router: p2p (a 20/50 Mbit/s link each), wifi-ac or wifi-ax "
                        "(one shared network at the standard's PHY rate) (default p2p)",
                        accessText);
    EdgeLlmAddTextValue(cmd, "csv", "Write the table to this CSV file (empty: none)", csvPath);
    EdgeLlmAddTextValue(cmd, "plot", "Write the figure as PNG and PDF (empty: none)", plotPath);
    try
    {
        options.Parse(argc, argv);
        const LlmSplitSimulation::Access access =
            LlmSplitSimulation::ParseAccess(accessText, "--access");
        const std::vector<uint32_t> devices = ParseDevices(devicesText);
        const auto p = static_cast<uint32_t>(
            LlmTextParse::Integer(kSource, "--prompt", promptText, 1, 100000));
        const auto g = static_cast<uint32_t>(
            LlmTextParse::Integer(kSource, "--tokens", tokensText, 1, 100000));
        const auto split =
            static_cast<uint32_t>(LlmTextParse::Integer(kSource, "--split", splitText, 0, 32));
        const auto bits =
            static_cast<uint32_t>(LlmTextParse::Integer(kSource, "--bits", bitsText, 2, 16));
        // Every run's setting, checked before anything runs.
        std::vector<LlmSplitSetting> settings;
        for (const auto mode : {LlmSplitSetting::Mode::SPLIT, LlmSplitSetting::Mode::CLOUD_ONLY})
        {
            for (uint32_t k : devices)
            {
                LlmSplitSetting s = Llama2Setting(mode, split, bits, p, g);
                s.devices = k;
                if (!budgetText.empty())
                {
                    s.memoryBudgetBytes = static_cast<uint64_t>(
                        LlmTextParse::Number(kSource, "--memory-budget", budgetText, 0, 1.8e19));
                }
                LlmSplitSimulation check(s, options.GetSetting());
                check.SetAccess(access);
                settings.push_back(s);
            }
        }
        if (!plotPath.empty() && !std::ofstream(FigureBase(plotPath) + ".plt"))
        {
            throw LlmInputError(plotPath, "", "cannot write the figure (missing folder?)");
        }
        std::ofstream csv;
        if (!csvPath.empty())
        {
            csv.open(csvPath);
            if (!csv)
            {
                throw LlmInputError(csvPath, "", "cannot write the CSV (missing folder?)");
            }
            csv << "devices,mode,ttft_analytic_s,ttft_mean_s,ttft_p95_s,tpot_analytic_s,"
                   "tpot_mean_s,tpot_p50_s,tpot_p95_s,tokens_requested,tokens_completed,"
                   "tokens_failed,cloud_busy_s,cloud_utilization,cloud_queueing_mean_s,"
                   "shared_link_bytes,events,wall_s,access\n";
        }
        {
            const LlmSplitSetting a = LlmSplitSimulation::WithAccess(settings.front(), access);
            std::printf("Access %s: %.6g Mbit/s up, %.6g Mbit/s down%s\n",
                        LlmSplitSimulation::GetAccessName(access).c_str(),
                        a.uplinkBps / 1e6,
                        a.downlinkBps / 1e6,
                        access == LlmSplitSimulation::Access::P2P
                            ? ", a link per device"
                            : " (the standard's PHY rate), one medium for every device");
        }
        std::printf("%4s %-10s %9s %9s %9s %9s %9s %7s %7s %9s %6s %9s %12s %9s %7s\n",
                    "K",
                    "mode",
                    "TTFT an.",
                    "TTFT mean",
                    "TPOT an.",
                    "TPOT mean",
                    "TPOT p95",
                    "done",
                    "failed",
                    "busy s",
                    "util",
                    "queue ms",
                    "shared bytes",
                    "events",
                    "wall s");
        std::vector<LlmSplitSimulationResult> runs;
        bool cutOff = false;
        for (const LlmSplitSetting& s : settings)
        {
            const uint32_t k = s.devices;
            LlmSplitSimulation run(s, options.GetSetting());
            run.SetAccess(access);
            const LlmSplitSimulationResult r = run.Run();
            cutOff = cutOff || r.tokensCutOff > 0;
            std::printf("%4u %-10s %9.4f %9.4f %9.5f %9.5f %9.5f %7llu %7llu %9.4f %5.1f%% "
                        "%9.3f %12llu %9llu %7.2f\n",
                        k,
                        r.mode.c_str(),
                        r.analyticTtftSeconds,
                        r.ttft.mean,
                        r.analyticTpotSeconds,
                        r.tpot.mean,
                        r.tpot.p95,
                        static_cast<unsigned long long>(r.tokensCompleted),
                        static_cast<unsigned long long>(r.tokensFailed),
                        r.cloudBusySeconds,
                        100 * r.cloudUtilization,
                        1e3 * r.cloudMeanQueueingSeconds,
                        static_cast<unsigned long long>(r.GetSharedBytes()),
                        static_cast<unsigned long long>(r.events),
                        r.wallSeconds);
            std::fflush(stdout);
            if (csv.is_open())
            {
                csv << k << "," << r.mode << "," << r.analyticTtftSeconds << "," << r.ttft.mean
                    << "," << r.ttft.p95 << "," << r.analyticTpotSeconds << "," << r.tpot.mean
                    << "," << r.tpot.p50 << "," << r.tpot.p95 << "," << r.tokensRequested << ","
                    << r.tokensCompleted << "," << r.tokensFailed << "," << r.cloudBusySeconds
                    << "," << r.cloudUtilization << "," << r.cloudMeanQueueingSeconds << ","
                    << r.GetSharedBytes() << "," << r.events << "," << r.wallSeconds << ","
                    << r.access << "\n";
            }
            for (const auto& [reason, count] : r.failures)
            {
                std::printf("     failed: %llu tokens, %s\n",
                            static_cast<unsigned long long>(count),
                            reason.c_str());
            }
            runs.push_back(r);
        }
        std::printf("\nAnalytic (an.): one device alone, no queueing at the cloud, no TCP/IP "
                    "headers. util: cloud busy / run length. queue: mean wait of a cloud job.\n");
        if (csv.is_open())
        {
            std::printf("table: %s\n", csvPath.c_str());
        }
        if (!plotPath.empty())
        {
            char caption[256];
            std::snprintf(caption,
                          sizeof(caption),
                          "P = %u, G = %u, split after %u blocks, %u-bit activations, %s, "
                          "access %s; one request per device, all starting together",
                          p,
                          g,
                          split,
                          bits,
                          options.GetSetting().transport.c_str(),
                          LlmSplitSimulation::GetAccessName(access).c_str());
            if (!Plot(runs, caption, plotPath))
            {
                return 1;
            }
        }
        return cutOff ? 3 : 0;
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-split-scaling: " << e.what() << std::endl;
        return 1;
    }
}
