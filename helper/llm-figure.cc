// SPDX-License-Identifier: GPL-2.0-only

#include "llm-figure.h"

#include "llm-process-pool.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

namespace ns3
{

namespace
{

/// A value with an SI prefix and its unit: 1e6 bit/s -> "1 Mbit/s", 2.5e9 Hz -> "2.5 GHz".
std::string
WithPrefix(double v, const std::string& unit)
{
    static const char* const prefixes[] = {"p", "n", "µ", "m", "", "k", "M", "G", "T", "P"};
    int e = v > 0 ? static_cast<int>(std::floor(std::log10(v) / 3.0 + 1e-9)) : 0;
    e = std::max(-4, std::min(5, e));
    char buf[64];
    std::snprintf(buf,
                  sizeof(buf),
                  "%g %s%s",
                  v / std::pow(10.0, 3 * e),
                  prefixes[e + 4],
                  unit.c_str());
    return buf;
}

/// The unit text of an axis unit.
std::string
UnitText(LlmFigure::Unit unit)
{
    switch (unit)
    {
        case LlmFigure::Unit::SECONDS:
            return "s";
        case LlmFigure::Unit::BIT_PER_S:
            return "bit/s";
        case LlmFigure::Unit::HERTZ:
            return "Hz";
        default:
            return "";
    }
}

} // namespace

std::string
LlmFigure::SolverColour(const std::string& solver)
{
    // Okabe-Ito, without its yellow (hard to see on white).
    static const std::map<std::string, std::string> fixed{{"ilp", "#0072B2"},
                                                          {"greedy", "#D55E00"},
                                                          {"cloud-only", "#009E73"},
                                                          {"edgeshard", "#CC79A7"},
                                                          {"uniform-bits", "#56B4E9"},
                                                          {"dp", "#E69F00"},
                                                          {"exhaustive", "#000000"}};
    const auto it = fixed.find(solver);
    if (it != fixed.end())
    {
        return it->second;
    }
    static const char* const others[] = {"#882255", "#44AA99", "#999933", "#661100", "#6699CC"};
    std::size_t h = 0;
    for (char c : solver)
    {
        h = h * 131 + static_cast<unsigned char>(c); // stable across runs and platforms
    }
    return others[h % 5];
}

std::string
LlmFigure::SettingColour(std::size_t k)
{
    // The palette less ilp's blue, which the analytic curves of a one-solver figure keep.
    static const char* const colours[] =
        {"#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#44AA99", "#999933"};
    return colours[k % 8];
}

int
LlmFigure::SettingMarker(std::size_t k)
{
    static const int markers[] = {7, 5, 9, 13, 11, 6, 4, 8, 12, 10};
    return markers[k % 10];
}

std::string
LlmFigure::Caption(uint32_t minRuns, uint32_t maxRuns, bool errorBars)
{
    std::string runs = minRuns == maxRuns ? std::to_string(minRuns)
                                          : std::to_string(minRuns) + "-" + std::to_string(maxRuns);
    std::string text = runs + (maxRuns == 1 ? " run per point" : " runs per point");
    if (errorBars)
    {
        text += "; error bars: 95 % confidence interval (Student t)";
    }
    return text;
}

std::string
LlmFigure::Axis(const std::string& axis,
                const std::string& label,
                Unit unit,
                bool logScale,
                double lo,
                double hi)
{
    const std::string u = UnitText(unit);
    std::string cmd =
        "set " + axis + "label \"" + label + (u.empty() ? "" : " (" + u + ")") + "\"\n";
    if (!logScale || !(lo > 0) || !(hi >= lo))
    {
        return cmd + "set " + axis + "tics auto\nset format " + axis + " \"%g\"\nset offsets "
               + (axis == "y" ? "0, 0, graph 0.05, graph 0.05" : "graph 0.02, graph 0.02, 0, 0")
               + "\n";
    }
    cmd += "set logscale " + axis + " 10\n";
    // Labelled ticks at every decade; with less than two decades of data also at 2x and 5x, so
    // that a narrow range (0.5 ... 8 GHz) never shows a single label.
    const int first = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
    const int last = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
    const bool narrow = std::log10(hi / lo) < 2; // less than two decades of data
    // A wide range runs from decade to decade; a narrow one hugs the data.
    // (A hair beyond the end decades: gnuplot drops a tic label that falls on the range bound.)
    // Points never sit on the frame: a fifth of a decade's margin around the data.
    const double rangeLo = narrow ? lo / 1.25 : std::min(std::pow(10.0, first) / 1.01, lo / 1.2);
    const double rangeHi = narrow ? hi * 1.25 : std::max(std::pow(10.0, last) * 1.01, hi * 1.2);
    auto text = [&](double v) {
        if (unit == Unit::BIT_PER_S || unit == Unit::HERTZ)
        {
            return WithPrefix(v, u);
        }
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%g%s%s", v, u.empty() ? "" : " ", u.c_str());
        return std::string(buf);
    };
    std::string tics;
    for (int e = first; e <= last; ++e)
    {
        for (int m = 1; m <= 9; ++m)
        {
            const double v = m * std::pow(10.0, e);
            if (v < rangeLo || v > rangeHi)
            {
                continue;
            }
            // Labelled: every decade, and 2x and 5x on a narrow range; the rest minor tics
            // (level 1), which gnuplot does not draw between tics given as a list otherwise.
            const bool labelled = m == 1 || (narrow && (m == 2 || m == 5));
            char at[48];
            std::snprintf(at, sizeof(at), "%.17g%s", v, labelled ? "" : " 1");
            tics += (tics.empty() ? "" : ", ") + ("\"" + (labelled ? text(v) : "") + "\" ") + at;
        }
    }
    cmd += "set " + axis + "tics (" + tics + ")\n";
    char range[96];
    std::snprintf(range, sizeof(range), "[%.17g:%.17g]", rangeLo, rangeHi);
    cmd += "set " + axis + "range " + range + "\n";
    return cmd;
}

std::string
LlmFigure::Key(std::size_t entries, bool left)
{
    if (entries <= MAX_INSIDE_KEYS)
    {
        return std::string("set key inside top ") + (left ? "left" : "right")
               + " opaque box samplen 3 spacing 1.1\n";
    }
    return "set key below horizontal samplen 3 height 1.5\n";
}

std::string
LlmFigure::Style(const std::string& colour, int marker, int dashType)
{
    std::string s = "lc rgb \"" + colour + "\" lw 2";
    if (marker > 0)
    {
        s += " pt " + std::to_string(marker) + " ps 1";
    }
    return s + " dt " + std::to_string(dashType);
}

std::string
LlmFigure::Draw(Gnuplot& plot, const std::string& base)
{
    const std::string plt = base + ".plt";
    {
        std::ofstream out(plt);
        plot.SetTerminal("pngcairo noenhanced size 1100,650 font \",11\"");
        plot.SetOutputFilename(base + ".png");
        plot.GenerateOutput(out);
        plot.SetTerminal("pdfcairo noenhanced size 16cm,9.5cm font \",9\"");
        plot.SetOutputFilename(base + ".pdf");
        plot.GenerateOutput(out);
        out.close();
        if (!out)
        {
            return "cannot write " + plt + "\n";
        }
    }
    for (const char* ext : {".png", ".pdf"})
    {
        std::error_code ec;
        std::filesystem::remove(base + ext, ec); // no stale figure survives a failed run
    }
    const int status = LlmProcessPool::Execute({"gnuplot", plt}, true);
    if (status == LlmProcessPool::NOT_FOUND)
    {
        return "gnuplot not found: " + plt + " written, no PNG or PDF\n";
    }
    std::string note;
    if (status != 0)
    {
        note += "gnuplot failed on " + plt + "\n";
    }
    for (const char* ext : {".png", ".pdf"})
    {
        std::error_code ec;
        const std::string file = base + ext;
        if (std::filesystem::exists(file, ec) && std::filesystem::file_size(file, ec) == 0)
        {
            std::filesystem::remove(file, ec);
            note += "gnuplot left " + file + " empty: removed\n";
        }
    }
    return note;
}

} // namespace ns3
