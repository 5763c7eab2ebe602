// SPDX-License-Identifier: GPL-2.0-only

#include "llm-sweep-report.h"

#include "llm-process-pool.h"
#include "ns3/gnuplot.h"
#include "ns3/llm-input-error.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>

namespace ns3
{

std::string
LlmSweepReport::CsvHeader()
{
    return "grid_value,run,solver,setting,status,objective_s,simulated_s,compute_bound_s,"
           "quantization_ratio,gap,bytes,drops,tokens_completed,tokens_failed";
}

std::string
LlmSweepReport::ToCsv(const LlmSweepRow& r)
{
    char buf[1024];
    std::snprintf(buf,
                  sizeof(buf),
                  "%.17g,%u,%s,%s,%s,%.17g,%.17g,%.17g,%.17g,%.6g,%llu,%llu,%llu,%llu",
                  r.gridValue,
                  r.run,
                  r.solver.c_str(),
                  r.setting.c_str(),
                  r.status.c_str(),
                  r.objective,
                  r.simulated,
                  r.computeBound,
                  r.quantizationRatio,
                  r.gap,
                  static_cast<unsigned long long>(r.bytes),
                  static_cast<unsigned long long>(r.drops),
                  static_cast<unsigned long long>(r.tokensCompleted),
                  static_cast<unsigned long long>(r.tokensFailed));
    return buf;
}

std::vector<LlmSweepRow>
LlmSweepReport::ReadCsv(const std::vector<std::string>& paths)
{
    std::vector<LlmSweepRow> rows;
    for (const std::string& path : paths)
    {
        std::ifstream in(path);
        if (!in)
        {
            throw LlmInputError(path, "", "cannot open the file for reading");
        }
        std::string line;
        std::size_t number = 0;
        while (std::getline(in, line))
        {
            ++number;
            if (line.empty() || line == CsvHeader())
            {
                continue;
            }
            std::vector<std::string> f;
            std::stringstream ss(line);
            std::string cell;
            while (std::getline(ss, cell, ','))
            {
                f.push_back(cell);
            }
            try
            {
                if (f.size() != 14)
                {
                    throw std::invalid_argument("field count");
                }
                LlmSweepRow r;
                r.gridValue = std::stod(f[0]);
                r.run = static_cast<uint32_t>(std::stoul(f[1]));
                r.solver = f[2];
                r.setting = f[3];
                r.status = f[4];
                r.objective = std::stod(f[5]);
                r.simulated = std::stod(f[6]);
                r.computeBound = std::stod(f[7]);
                r.quantizationRatio = std::stod(f[8]);
                r.gap = std::stod(f[9]);
                r.bytes = std::stoull(f[10]);
                r.drops = std::stoull(f[11]);
                r.tokensCompleted = std::stoull(f[12]);
                r.tokensFailed = std::stoull(f[13]);
                rows.push_back(r);
            }
            catch (const std::exception&)
            {
                throw LlmInputError(path,
                                    "line " + std::to_string(number),
                                    "expected 14 comma-separated fields: " + CsvHeader());
            }
        }
    }
    std::sort(rows.begin(), rows.end(), [](const LlmSweepRow& a, const LlmSweepRow& b) {
        return std::tie(a.gridValue, a.run, a.solver, a.setting)
               < std::tie(b.gridValue, b.run, b.solver, b.setting);
    });
    return rows;
}

std::string
LlmSweepReport::TimingCsvHeader()
{
    return "grid_value,run,solver,setting,solve_s,simulate_s";
}

std::string
LlmSweepReport::ToTimingCsv(const LlmSweepRow& r)
{
    std::ostringstream line;
    line << r.gridValue << "," << r.run << "," << r.solver << "," << r.setting << ","
         << r.solveSeconds << "," << r.simulateSeconds;
    return line.str();
}

namespace
{

/// Write a file whole: under a temporary name (no part file pattern), then renamed.
void
WriteWhole(const std::string& dir, const std::string& name, const std::string& text)
{
    const std::string path = dir + "/" + name;
    const std::string temporary = dir + "/." + name + ".tmp";
    {
        std::ofstream out(temporary);
        out << text;
        out.close();
        if (!out)
        {
            throw LlmInputError(temporary, "", "cannot write the file");
        }
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error)
    {
        throw LlmInputError(path, "", "cannot write the file: " + error.message());
    }
}

/// Whether a file name is a run's row file (part-*.csv).
bool
IsPartFile(const std::filesystem::path& p)
{
    return p.filename().string().rfind("part-", 0) == 0 && p.extension() == ".csv";
}

/// Whether a file name is a run's timing file (timing-*).
bool
IsTimingFile(const std::filesystem::path& p)
{
    return p.filename().string().rfind("timing-", 0) == 0;
}

/// File names in a natural order: shorter first (run-9 before run-10), then by text.
bool
NaturalLess(const std::string& a, const std::string& b)
{
    return std::make_pair(a.size(), a) < std::make_pair(b.size(), b);
}

} // namespace

void
LlmSweepReport::WritePart(const std::string& dir,
                          std::size_t index,
                          const std::vector<LlmSweepRow>& rows)
{
    std::string part;
    std::string timing;
    for (const LlmSweepRow& r : rows)
    {
        part += ToCsv(r) + "\n";
        timing += ToTimingCsv(r) + "\n";
    }
    const std::string tag = "run-" + std::to_string(index);
    // The timing file first: a merge that sees the part file finds its times too.
    WriteWhole(dir, "timing-" + tag + ".txt", timing);
    WriteWhole(dir, "part-" + tag + ".csv", part);
}

void
LlmSweepReport::ClearParts(const std::string& dir)
{
    for (const auto& e : std::filesystem::directory_iterator(dir))
    {
        const std::string f = e.path().filename().string();
        const bool leftover = (f.rfind(".part-", 0) == 0 || f.rfind(".timing-", 0) == 0)
                              && e.path().extension() == ".tmp";
        if (IsPartFile(e.path()) || IsTimingFile(e.path()) || leftover)
        {
            std::filesystem::remove(e.path());
        }
    }
}

std::vector<LlmSweepRow>
LlmSweepReport::Merge(const std::string& dir)
{
    std::vector<std::string> parts;
    std::vector<std::string> timings;
    for (const auto& e : std::filesystem::directory_iterator(dir))
    {
        if (IsPartFile(e.path()))
        {
            parts.push_back(e.path().string());
        }
        if (IsTimingFile(e.path()))
        {
            timings.push_back(e.path().string());
        }
    }
    if (parts.empty())
    {
        throw LlmInputError(dir, "", "no part-*.csv files to merge");
    }
    std::sort(parts.begin(), parts.end(), NaturalLess);
    std::sort(timings.begin(), timings.end(), NaturalLess);
    const std::vector<LlmSweepRow> rows = ReadCsv(parts);
    std::ofstream runs(dir + "/runs.csv");
    runs << CsvHeader() << "\n";
    for (const LlmSweepRow& r : rows)
    {
        runs << ToCsv(r) << "\n";
    }
    runs.close();
    if (!runs)
    {
        throw LlmInputError(dir + "/runs.csv", "", "cannot write the file");
    }
    std::ofstream timing(dir + "/timing.csv");
    timing << TimingCsvHeader() << "\n";
    for (const std::string& t : timings)
    {
        std::ifstream in(t);
        if (in.peek() != std::ifstream::traits_type::eof())
        {
            timing << in.rdbuf();
        }
    }
    timing.close();
    if (!timing)
    {
        throw LlmInputError(dir + "/timing.csv", "", "cannot write the file");
    }
    return rows;
}

std::string
LlmSweepReport::MergeAndSummarize(const std::string& dir,
                                  LlmSweepConfig::Kind kind,
                                  std::string& note)
{
    const std::vector<LlmSweepRow> rows = Merge(dir);
    const std::vector<LlmSweepSummary> summary = Summarize(rows);
    note = WriteSummary(dir, summary, kind);
    return ToText(summary) + "\n" + std::to_string(rows.size()) + " rows in " + dir
           + "/runs.csv; summary.csv, summary.json and PNG figures beside it\n";
}

std::string
LlmSweepReport::ToText(const std::vector<LlmSweepSummary>& summary)
{
    char buf[1024];
    std::snprintf(buf,
                  sizeof(buf),
                  "%-12s %-12s %-12s %5s %14s %12s %14s %12s\n",
                  "grid value",
                  "solver",
                  "setting",
                  "runs",
                  "T mean s",
                  "T ci95 s",
                  "sim mean s",
                  "sim ci95 s");
    std::string text = buf;
    for (const LlmSweepSummary& s : summary)
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "%-12.4g %-12s %-12s %5u %14.6g %12.4g %14.6g %12.4g\n",
                      s.gridValue,
                      s.solver.c_str(),
                      s.setting.c_str(),
                      s.runs,
                      s.objectiveMean,
                      s.objectiveCi95,
                      s.simulatedMean,
                      s.simulatedCi95);
        text += buf;
    }
    return text;
}

namespace
{

/// Mean and Student-t 95 % half-width of a sample.
std::pair<double, double>
MeanCi(const std::vector<double>& x)
{
    if (x.empty())
    {
        return {0.0, 0.0};
    }
    double mean = 0;
    for (double v : x)
    {
        mean += v / x.size();
    }
    if (x.size() < 2)
    {
        return {mean, 0.0};
    }
    double var = 0;
    for (double v : x)
    {
        var += (v - mean) * (v - mean) / (x.size() - 1);
    }
    boost::math::students_t t(static_cast<double>(x.size() - 1));
    const double q = boost::math::quantile(boost::math::complement(t, 0.025));
    return {mean, q * std::sqrt(var / x.size())};
}

} // namespace

std::vector<LlmSweepSummary>
LlmSweepReport::Summarize(const std::vector<LlmSweepRow>& rows)
{
    std::map<std::tuple<std::string, std::string, double>,
             std::pair<std::vector<double>, std::vector<double>>>
        groups;
    std::map<std::tuple<std::string, std::string, double>, std::vector<double>> floors;
    std::map<std::tuple<std::string, std::string, double>, std::vector<double>> ratios;
    for (const LlmSweepRow& r : rows)
    {
        if (r.status == "optimal" || r.status == "feasible")
        {
            auto& g = groups[{r.solver, r.setting, r.gridValue}];
            g.first.push_back(r.objective);
            floors[{r.solver, r.setting, r.gridValue}].push_back(r.computeBound);
            if (r.simulated > 0)
            {
                g.second.push_back(r.simulated);
                if (r.objective > 0)
                {
                    ratios[{r.solver, r.setting, r.gridValue}].push_back(r.simulated / r.objective);
                }
            }
        }
    }
    std::vector<LlmSweepSummary> out;
    for (const auto& [key, samples] : groups)
    {
        LlmSweepSummary s;
        s.solver = std::get<0>(key);
        s.setting = std::get<1>(key);
        s.gridValue = std::get<2>(key);
        s.runs = static_cast<uint32_t>(samples.first.size());
        std::tie(s.objectiveMean, s.objectiveCi95) = MeanCi(samples.first);
        std::tie(s.simulatedMean, s.simulatedCi95) = MeanCi(samples.second);
        s.computeBoundMean = MeanCi(floors[key]).first;
        std::tie(s.ratioMean, s.ratioCi95) = MeanCi(ratios[key]);
        out.push_back(s);
    }
    return out;
}

std::string
LlmSweepReport::WriteSummary(const std::string& dir,
                             const std::vector<LlmSweepSummary>& summary,
                             LlmSweepConfig::Kind kind)
{
    const std::string name = LlmSweepConfig::KindToString(kind);
    std::ofstream csv(dir + "/summary.csv");
    csv << "grid_value,solver,setting,runs,objective_mean_s,objective_ci95_s,simulated_mean_s,"
           "simulated_ci95_s,compute_bound_mean_s,simulated_over_objective_mean,"
           "simulated_over_objective_ci95\n";
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const LlmSweepSummary& s : summary)
    {
        char buf[1024];
        std::snprintf(buf,
                      sizeof(buf),
                      "%.17g,%s,%s,%u,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                      s.gridValue,
                      s.solver.c_str(),
                      s.setting.c_str(),
                      s.runs,
                      s.objectiveMean,
                      s.objectiveCi95,
                      s.simulatedMean,
                      s.simulatedCi95,
                      s.computeBoundMean,
                      s.ratioMean,
                      s.ratioCi95);
        csv << buf;
        json.push_back({{"grid_value", s.gridValue},
                        {"solver", s.solver},
                        {"setting", s.setting},
                        {"runs", s.runs},
                        {"objective_mean_s", s.objectiveMean},
                        {"objective_ci95_s", s.objectiveCi95},
                        {"simulated_mean_s", s.simulatedMean},
                        {"simulated_ci95_s", s.simulatedCi95},
                        {"compute_bound_mean_s", s.computeBoundMean},
                        {"simulated_over_objective_mean", s.ratioMean},
                        {"simulated_over_objective_ci95", s.ratioCi95}});
    }
    csv.close();
    if (!csv)
    {
        throw LlmInputError(dir + "/summary.csv", "", "cannot write the file");
    }
    std::ofstream jsonFile(dir + "/summary.json");
    jsonFile << json.dump(2) << "\n";
    jsonFile.close();
    if (!jsonFile)
    {
        throw LlmInputError(dir + "/summary.json", "", "cannot write the file");
    }

    // Figures: objective (analytic) and simulated completion vs the grid, per solver.
    const std::string x =
        kind == LlmSweepConfig::OMEGA ? "min link speed Omega (bit/s)" : "min CPU clock CCS (Hz)";
    std::vector<std::string> notes;
    for (const std::string& what :
         {std::string("objective"), std::string("simulated"), std::string("ratio")})
    {
        const bool ratio = what == "ratio";
        const std::string base = dir + "/" + name + "-" + what;
        Gnuplot plot(base + ".png",
                     what == "objective" ? "DILEMMA objective T (analytic)"
                     : ratio ? "Where the simulation leaves the model: simulated / analytic T"
                             : "Simulated completion time (ns-3), analytic T and compute floor");
        plot.SetTerminal("pngcairo size 1100,600");
        plot.SetLegend(x, ratio ? "simulated / analytic T" : "completion time (s)");
        // Log y only when the times span more than a decade (gnuplot labels decades only).
        double lo = INFINITY;
        double hi = 0;
        for (const LlmSweepSummary& s : summary)
        {
            for (double v : {s.objectiveMean, s.simulatedMean, s.computeBoundMean})
            {
                if (v > 0)
                {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            }
        }
        const bool logY = !ratio && hi > 10 * lo;
        plot.SetExtra(std::string("set logscale x\n") + (logY ? "set logscale y\n" : "")
                      + "set autoscale xfix\nset autoscale yfix\n"
                        "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n"
                        "set key outside right top\nset grid");
        std::set<std::string> settings;
        for (const LlmSweepSummary& s : summary)
        {
            settings.insert(s.setting);
        }
        std::map<std::string, Gnuplot2dDataset> sets;
        std::set<std::pair<std::string, double>> analyticDone; // T is the same in every setting
        auto add = [&sets](const std::string& key, double x, double y, double ci, int dashed) {
            auto it = sets.find(key);
            if (it == sets.end())
            {
                Gnuplot2dDataset d(key);
                d.SetStyle(Gnuplot2dDataset::LINES_POINTS);
                d.SetErrorBars(Gnuplot2dDataset::Y);
                if (dashed)
                {
                    d.SetExtra("dashtype " + std::to_string(dashed));
                }
                it = sets.emplace(key, d).first;
            }
            it->second.Add(x, y, ci);
        };
        for (const LlmSweepSummary& s : summary)
        {
            const std::string label =
                s.solver + " simulated" + (settings.size() > 1 ? ", " + s.setting : "");
            if (ratio)
            {
                if (s.ratioMean > 0)
                {
                    add(label, s.gridValue, s.ratioMean, s.ratioCi95, 0);
                }
                continue;
            }
            if (analyticDone.insert({s.solver, s.gridValue}).second)
            {
                add(s.solver + " analytic T",
                    s.gridValue,
                    s.objectiveMean,
                    s.objectiveCi95,
                    what == "simulated" ? 2 : 0);
                if (what == "simulated")
                {
                    add(s.solver + " compute floor (no transfer)",
                        s.gridValue,
                        s.computeBoundMean,
                        0.0,
                        3);
                }
            }
            if (what == "simulated" && s.simulatedMean > 0)
            {
                add(label, s.gridValue, s.simulatedMean, s.simulatedCi95, 0);
            }
        }
        for (auto& [key, d] : sets)
        {
            plot.AddDataset(d);
        }
        std::ofstream plt(base + ".plt");
        plot.GenerateOutput(plt);
        plt.close();
        if (!plt)
        {
            throw LlmInputError(base + ".plt", "", "cannot write the file");
        }
        // An argument vector, no shell: the folder name may hold any character.
        const int status = LlmProcessPool::Execute({"gnuplot", base + ".plt"}, true);
        if (status == LlmProcessPool::NOT_FOUND)
        {
            notes.push_back("gnuplot not found: " + base + ".plt written, no PNG");
        }
        else if (status != 0)
        {
            notes.push_back("gnuplot failed on " + base + ".plt");
        }
    }
    std::string note;
    for (const auto& n : notes)
    {
        note += n + "\n";
    }
    return note;
}

} // namespace ns3
