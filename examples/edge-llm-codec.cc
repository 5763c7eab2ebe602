// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-codec: error vs bytes of the activation codec of adaptive split computing (TS +
// TAB-Q, LlmActivationCodec) against uniform per-tensor quantization (LlmUniformQuantizer).
//
//   edge-llm-codec                                     # synthetic T=512, d=4096, 8 outlier
//   channels edge-llm-codec --tensors=h.safetensors --tensor=layer10   # a real activation dump
//   edge-llm-codec --tokens=128 --outlier-channels=0 --plot=curve.png
//   edge-llm-codec --benchmark                         # encode/decode MB/s (fp16 input), one core
//   edge-llm-codec --write-tensors=x.safetensors       # dump the synthetic tensor (F32)
//
// Prints one row per codec setting: payload bytes (⌈bits/8⌉; the fixed container header is not
// payload), bytes per token, compression against fp16 (16 bits per element), bits per element,
// NMSE, SQNR and the largest element error. Rows: fp16 itself; TAB-Q alone (τ = ∞) and TS with
// ρ = 1 % at b = 2, 3, 4, 6, 8; TS + TAB-Q choosing b_t per token within ε; the outlier ratio ρ
// (and κσ) at 4 bits; uniform int4 and int8. --plot writes the curve as PNG and PDF.
//
// Options are read whole and strictly; a bad value or a positional argument stops with one line
// naming it (exit 1).

#include "ns3/command-line.h"
#include "ns3/edge-llm-module.h"
#include "ns3/gnuplot.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <tuple>

using namespace ns3;

namespace
{

const char* const kSource = "command line";

/// One setting of a codec, and what it achieved.
struct Row
{
    std::string codec;    //!< Codec family (the figure's series)
    std::string setting;  //!< Its setting
    uint64_t bits{0};     //!< Payload bits
    LlmTensorError error; //!< Error of the decoded tensor
};

/// "0.5 %" from 0.005.
std::string
Percent(double ratio)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%g %%", 100 * ratio);
    return buf;
}

/// TS + TAB-Q settings.
LlmActivationCodec::Settings
Codec(LlmActivationCodec::ThresholdMode mode, double value, uint32_t bits, double epsilon)
{
    LlmActivationCodec::Settings s;
    s.threshold = mode;
    s.thresholdValue = value;
    s.fixedBits = bits;
    s.epsilon = epsilon;
    return s;
}

/// Encode, decode and measure one TS + TAB-Q setting.
Row
RunCodec(const LlmTensor& x,
         const std::string& family,
         const std::string& setting,
         const LlmActivationCodec::Settings& settings)
{
    const std::vector<uint8_t> bytes = LlmActivationCodec(settings).Encode(x);
    Row r{family, setting, LlmActivationCodec::Inspect(bytes).payloadBits, {}};
    r.error = LlmTensor::Compare(x, LlmActivationCodec::Decode(bytes));
    return r;
}

/// Encode, decode and measure uniform quantization at b bits.
Row
RunUniform(const LlmTensor& x, uint32_t bits)
{
    const std::vector<uint8_t> bytes = LlmUniformQuantizer(bits).Encode(x);
    Row r{"uniform per-tensor (absmax)",
          "int" + std::to_string(bits),
          LlmUniformQuantizer::PayloadBits(x.tokens, x.hidden, bits),
          {}};
    r.error = LlmTensor::Compare(x, LlmUniformQuantizer::Decode(bytes));
    return r;
}

/// The rows of the table.
std::vector<Row>
Curve(const LlmTensor& x)
{
    using M = LlmActivationCodec::ThresholdMode;
    std::vector<Row> rows;
    LlmTensor half = x;
    for (float& v : half.data)
    {
        v = LlmHalfFloat::Round(v);
    }
    rows.push_back({"fp16", "uncompressed", 16ULL * x.data.size(), LlmTensor::Compare(x, half)});
    const double rho = 0.01;
    for (uint32_t b : {2U, 3U, 4U, 6U, 8U})
    {
        rows.push_back(RunCodec(x,
                                "TAB-Q alone (no TS)",
                                "b = " + std::to_string(b),
                                Codec(M::NONE, 0, b, 0)));
    }
    for (uint32_t b : {2U, 3U, 4U, 6U, 8U})
    {
        rows.push_back(RunCodec(x,
                                "TS (rho = 1 %) + TAB-Q",
                                "b = " + std::to_string(b),
                                Codec(M::RATIO, rho, b, 0)));
    }
    for (double eps : {0.1, 0.03, 0.01, 0.003, 0.001})
    {
        rows.push_back(RunCodec(x,
                                "TS (rho = 1 %) + TAB-Q, b_t by epsilon",
                                "eps = " + LlmTextParse::Format(eps),
                                Codec(M::RATIO, rho, 0, eps)));
    }
    for (double r : {0.001, 0.002, 0.005, 0.02})
    {
        rows.push_back(RunCodec(x,
                                "TS + TAB-Q (b = 4), threshold",
                                "rho = " + Percent(r),
                                Codec(M::RATIO, r, 4, 0)));
    }
    for (double kappa : {3.0, 6.0})
    {
        rows.push_back(RunCodec(x,
                                "TS + TAB-Q (b = 4), threshold",
                                "tau = " + LlmTextParse::Format(kappa) + " sigma",
                                Codec(M::SIGMA, kappa, 4, 0)));
    }
    rows.push_back(RunUniform(x, 4));
    rows.push_back(RunUniform(x, 8));
    return rows;
}

/// Print the table.
void
PrintTable(const std::vector<Row>& rows, const LlmTensor& x)
{
    std::printf("%-40s %-14s %12s %10s %8s %9s %11s %8s %11s\n",
                "codec",
                "setting",
                "bytes",
                "B/token",
                "vs fp16",
                "bits/elem",
                "NMSE",
                "SQNR dB",
                "max error");
    const double elements = static_cast<double>(x.data.size());
    for (const Row& r : rows)
    {
        const uint64_t bytes = (r.bits + 7) / 8;
        std::printf("%-40s %-14s %12llu %10.1f %7.2fx %9.3f %11.3e %8.2f %11.4g\n",
                    r.codec.c_str(),
                    r.setting.c_str(),
                    static_cast<unsigned long long>(bytes),
                    static_cast<double>(bytes) / static_cast<double>(x.tokens),
                    16.0 * elements / static_cast<double>(r.bits),
                    static_cast<double>(r.bits) / elements,
                    r.error.nmse,
                    r.error.sqnrDb,
                    r.error.maxAbsError);
    }
    std::printf("\nbytes: payload, ⌈bits/8⌉; TS + TAB-Q: Σ_t d·b_t + 32·|O| + 56·T bits (+ an "
                "8-byte header), uniform: T·d·b + 32 bits (+ a 12-byte header).\n");
}

/// Draw the curve: NMSE vs bytes per token, one series per codec family.
int
Plot(const std::vector<Row>& rows,
     const LlmTensor& x,
     const std::string& what,
     const std::string& path)
{
    const std::string base = path.size() > 4 && path.substr(path.size() - 4) == ".png"
                                 ? path.substr(0, path.size() - 4)
                                 : path;
    Gnuplot plot(base + ".png", "Activation codec: error vs payload\\n" + what);
    std::vector<std::string> families;
    double xLo = INFINITY;
    double xHi = 0;
    double yLo = INFINITY;
    double yHi = 0;
    for (const Row& r : rows)
    {
        if (r.codec == "fp16" || !(r.error.nmse > 0))
        {
            continue;
        }
        if (std::find(families.begin(), families.end(), r.codec) == families.end())
        {
            families.push_back(r.codec);
        }
        const double perToken = static_cast<double>((r.bits + 7) / 8) / x.tokens;
        xLo = std::min(xLo, perToken);
        xHi = std::max(xHi, perToken);
        yLo = std::min(yLo, r.error.nmse);
        yHi = std::max(yHi, r.error.nmse);
    }
    if (families.empty())
    {
        std::cerr << "edge-llm-codec: every codec reproduces the tensor exactly (NMSE 0): no "
                     "figure on a log axis"
                  << std::endl;
        return 1;
    }
    plot.SetExtra(
        LlmFigure::Axis("x", "payload per token, bytes", LlmFigure::Unit::NONE, true, xLo, xHi)
        + LlmFigure::Axis("y", "NMSE", LlmFigure::Unit::NONE, true, yLo, yHi)
        + LlmFigure::Key(families.size(), false)
        + "set grid xtics ytics mxtics mytics lc rgb \"#dddddd\"");
    for (std::size_t k = 0; k < families.size(); ++k)
    {
        Gnuplot2dDataset d(families[k]);
        const bool line = families[k].find("alone") != std::string::npos
                          || families[k].find("b_t by") != std::string::npos
                          || families[k] == "TS (rho = 1 %) + TAB-Q";
        d.SetStyle(line ? Gnuplot2dDataset::LINES_POINTS : Gnuplot2dDataset::POINTS);
        d.SetExtra(LlmFigure::Style(LlmFigure::SettingColour(k), LlmFigure::SettingMarker(k), 1));
        for (const Row& r : rows)
        {
            if (r.codec == families[k] && r.error.nmse > 0)
            {
                d.Add(static_cast<double>((r.bits + 7) / 8) / x.tokens, r.error.nmse);
            }
        }
        plot.AddDataset(d);
    }
    const std::string note = LlmFigure::Draw(plot, base);
    if (!note.empty())
    {
        std::cerr << "edge-llm-codec: " << note;
        return 1;
    }
    std::printf("figure: %s.png and %s.pdf (gnuplot script %s.plt)\n",
                base.c_str(),
                base.c_str(),
                base.c_str());
    return 0;
}

/// Run f until at least a second has passed; return the seconds per run.
double
Time(const std::function<void()>& f)
{
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    uint64_t runs = 0;
    double seconds = 0;
    do
    {
        f();
        ++runs;
        seconds = std::chrono::duration<double>(Clock::now() - start).count();
    } while (seconds < 1.0);
    return seconds / static_cast<double>(runs);
}

/// Encode and decode throughput, MB/s of fp16 input (2 bytes per element), one core.
void
Benchmark(const LlmTensor& x)
{
    using M = LlmActivationCodec::ThresholdMode;
    const double megabytes = 2.0 * static_cast<double>(x.data.size()) / 1e6;
    std::printf("Throughput on one core, MB/s of fp16 input (T = %zu, d = %zu: %.2f MB), each "
                "timed over at least 1 s:\n\n",
                x.tokens,
                x.hidden,
                megabytes);
    std::printf("%-44s %12s %12s\n", "codec", "encode MB/s", "decode MB/s");
    struct Case
    {
        std::string name;
        std::function<std::vector<uint8_t>()> encode;
        std::function<LlmTensor(const std::vector<uint8_t>&)> decode;
    };
    const LlmActivationCodec fixed(Codec(M::RATIO, 0.01, 4, 0));
    const LlmActivationCodec eps(Codec(M::RATIO, 0.01, 0, 0.01));
    const LlmActivationCodec alone(Codec(M::NONE, 0, 4, 0));
    const LlmActivationCodec absolute(Codec(M::ABSOLUTE, 10.0, 4, 0));
    const LlmUniformQuantizer int8(8);
    const std::vector<Case> cases = {
        {"TAB-Q alone, b = 4", [&] { return alone.Encode(x); }, &LlmActivationCodec::Decode},
        {"TS (tau = 10) + TAB-Q, b = 4",
         [&] { return absolute.Encode(x); },
         &LlmActivationCodec::Decode},
        {"TS (rho = 1 %, quantile) + TAB-Q, b = 4",
         [&] { return fixed.Encode(x); },
         &LlmActivationCodec::Decode},
        {"TS (rho = 1 %) + TAB-Q, b_t by eps = 0.01",
         [&] { return eps.Encode(x); },
         &LlmActivationCodec::Decode},
        {"uniform int8", [&] { return int8.Encode(x); }, &LlmUniformQuantizer::Decode},
    };
    for (const Case& c : cases)
    {
        std::vector<uint8_t> bytes = c.encode();
        const double encode = Time([&] { bytes = c.encode(); });
        LlmTensor y;
        const double decode = Time([&] { y = c.decode(bytes); });
        std::printf("%-44s %12.1f %12.1f\n",
                    c.name.c_str(),
                    megabytes / encode,
                    megabytes / decode);
    }
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string tensorsPath;
    std::string tensorName;
    std::string tokensText = "512";
    std::string hiddenText = "4096";
    std::string channelsText = "8";
    std::string scaleText = "100";
    std::string seedText = "1";
    std::string plotPath;
    std::string writePath;
    bool benchmark = false;
    CommandLine cmd(__FILE__);
    cmd.Usage("Error vs bytes of the activation codec of adaptive split computing (TS + TAB-Q) "
              "and of uniform per-tensor quantization, on a synthetic LLM-like activation or a "
              "tensor of a .safetensors file.");
    EdgeLlmAddTextValue(cmd, "tensors", "A .safetensors file holding the activation", tensorsPath);
    EdgeLlmAddTextValue(cmd,
                        "tensor",
                        "With --tensors: the tensor's name (2-D [T, d] or 3-D [1, T, d]; F32, "
                        "F16 or BF16)",
                        tensorName);
    EdgeLlmAddTextValue(cmd, "tokens", "Synthetic: T, tokens (1 ... 1000000)", tokensText);
    EdgeLlmAddTextValue(cmd, "hidden", "Synthetic: d, the hidden size (1 ... 65535)", hiddenText);
    EdgeLlmAddTextValue(cmd,
                        "outlier-channels",
                        "Synthetic: outlier channels (0 ... d)",
                        channelsText);
    EdgeLlmAddTextValue(cmd,
                        "outlier-scale",
                        "Synthetic: largest outlier magnitude, in units of the ordinary "
                        "channels' scale (0 < A <= 10000)",
                        scaleText);
    EdgeLlmAddTextValue(cmd, "seed", "Synthetic: the seed (0 ... 2^64 - 1)", seedText);
    EdgeLlmAddTextValue(cmd, "plot", "Write the error-vs-bytes figure (PNG and PDF)", plotPath);
    EdgeLlmAddTextValue(cmd,
                        "write-tensors",
                        "Write the synthetic tensor to this .safetensors file (F32, name "
                        "\"activation\")",
                        writePath);
    cmd.AddValue("benchmark",
                 "Print encode and decode throughput (MB/s of fp16 input, one core) instead "
                 "of the table",
                 benchmark);
    cmd.Parse(argc, argv);

    try
    {
        if (cmd.GetNExtraNonOptions() > 0)
        {
            throw LlmInputError(kSource,
                                "\"" + cmd.GetExtraNonOption(0) + "\"",
                                "expected options only (--name=value), got an argument without "
                                "--");
        }
        LlmTensor x;
        std::string what;
        if (!tensorsPath.empty() || !tensorName.empty())
        {
            if (tensorsPath.empty())
            {
                throw LlmInputError(kSource, "--tensor", "names a tensor of --tensors: give it");
            }
            for (const auto& [option, text, fallback] :
                 {std::tuple<const char*, std::string, const char*>{"--tokens", tokensText, "512"},
                  {"--hidden", hiddenText, "4096"},
                  {"--outlier-channels", channelsText, "8"},
                  {"--outlier-scale", scaleText, "100"},
                  {"--seed", seedText, "1"}})
            {
                if (text != fallback)
                {
                    throw LlmInputError(kSource,
                                        option,
                                        "describes the synthetic tensor: not with --tensors");
                }
            }
            if (!writePath.empty())
            {
                throw LlmInputError(kSource,
                                    "--write-tensors",
                                    "writes the synthetic tensor: not with --tensors");
            }
            const LlmSafetensors file(tensorsPath);
            if (tensorName.empty())
            {
                std::string names;
                for (const LlmSafetensors::Entry& e : file.GetEntries())
                {
                    names += (names.empty() ? "" : ", ") + e.name;
                }
                throw LlmInputError(
                    kSource,
                    "--tensor",
                    "expected the name of a tensor of " + tensorsPath + ": "
                        + (names.empty() ? std::string("the file has none") : names));
            }
            x = file.Load(tensorName);
            what = tensorsPath + ", tensor " + tensorName + ": T = " + std::to_string(x.tokens)
                   + ", d = " + std::to_string(x.hidden);
        }
        else
        {
            LlmSyntheticActivation::Params p;
            p.tokens = LlmTextParse::Integer(kSource, "--tokens", tokensText, 1, 1000000);
            p.hidden = LlmTextParse::Integer(kSource, "--hidden", hiddenText, 1, 65535);
            p.outlierChannels =
                LlmTextParse::Integer(kSource,
                                      "--outlier-channels",
                                      channelsText,
                                      0,
                                      p.hidden,
                                      "an integer 0 ... d = " + std::to_string(p.hidden));
            p.outlierScale = LlmTextParse::Number(kSource,
                                                  "--outlier-scale",
                                                  scaleText,
                                                  1e-6,
                                                  10000,
                                                  "a magnitude 0 < A <= 10000");
            p.seed = LlmTextParse::Integer(kSource, "--seed", seedText, 0, UINT64_MAX);
            if (p.tokens * p.hidden > (std::size_t{1} << 28))
            {
                throw LlmInputError(kSource,
                                    "--tokens",
                                    "expected T·d <= 2^28 elements (1 GiB of floats), got "
                                        + std::to_string(p.tokens) + "·"
                                        + std::to_string(p.hidden));
            }
            x = LlmSyntheticActivation(p).Generate();
            what = "synthetic: T = " + std::to_string(p.tokens)
                   + ", d = " + std::to_string(p.hidden) + ", " + std::to_string(p.outlierChannels)
                   + " outlier channels up to " + LlmTextParse::Format(p.outlierScale) + "x, seed "
                   + std::to_string(p.seed);
            if (!writePath.empty())
            {
                LlmSafetensors::Write(writePath,
                                      {{"activation", x}},
                                      LlmSafetensors::Dtype::F32,
                                      {{"producer", "edge-llm-codec"}, {"synthetic", what}});
                std::printf("wrote %s (tensor \"activation\", F32)\n", writePath.c_str());
            }
        }
        std::printf("Activation %s\n\n", what.c_str());
        try
        {
            if (benchmark)
            {
                Benchmark(x);
                return 0;
            }
            const std::vector<Row> rows = Curve(x);
            PrintTable(rows, x);
            if (!plotPath.empty())
            {
                return Plot(rows, x, what, plotPath);
            }
        }
        catch (const LlmInputError& e)
        {
            // A tensor the codec cannot take (d > 65535, values beyond fp16): name it.
            throw LlmInputError(what, "", e.what());
        }
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-codec: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
