// SPDX-License-Identifier: GPL-2.0-only

#include "llm-sweep-report.h"

#include "llm-figure.h"
#include "llm-process-pool.h"
#include "ns3/gnuplot.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-text-parse.h"

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
           "quantization_ratio,gap,bytes,drops,tokens_completed,tokens_failed,replans,replay_s";
}

std::string
LlmSweepReport::ToCsv(const LlmSweepRow& r)
{
    char buf[1024];
    std::snprintf(buf,
                  sizeof(buf),
                  "%.17g,%u,%s,%s,%s,%.17g,%.17g,%.17g,%.17g,%.6g,%llu,%llu,%llu,%llu,%u,%.17g",
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
                  static_cast<unsigned long long>(r.tokensFailed),
                  r.replans,
                  r.replaySeconds);
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
            if (line.empty() || line == CsvHeader() || line[0] == '#')
            {
                continue; // the header, or a comment such as the "# sweep: " line
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
                if (f.size() != 16)
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
                r.replans = static_cast<uint32_t>(std::stoul(f[14]));
                r.replaySeconds = std::stod(f[15]);
                rows.push_back(r);
            }
            catch (const std::exception&)
            {
                throw LlmInputError(path,
                                    "line " + std::to_string(number),
                                    "expected 16 comma-separated fields: " + CsvHeader());
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
    return "grid_value,run,solver,setting,solve_s,simulate_s,status,message";
}

std::string
LlmSweepReport::ToTimingCsv(const LlmSweepRow& r)
{
    std::ostringstream line;
    line << r.gridValue << "," << r.run << "," << r.solver << "," << r.setting << ","
         << r.solveSeconds << "," << r.simulateSeconds << "," << r.status << ",\"";
    for (char c : r.message)
    {
        line << (c == '"' ? std::string("\"\"") : std::string(1, c == '\n' || c == '\r' ? ' ' : c));
    }
    line << "\"";
    return line.str();
}

namespace
{

/// The first line of a part file written by a known sweep starts with this.
const std::string kIdentityPrefix = "# sweep: ";

/// Wall times, status and message of one timing line, keyed by solver and setting.
struct TimingLine
{
    double solveSeconds{0};    //!< Solver wall time
    double simulateSeconds{0}; //!< Simulation wall time
    std::string message;       //!< Plan message
};

/**
 * Read a timing file (ToTimingCsv() lines; older files without status and message too).
 * @param path the file
 * @return (solver, setting) → its times and message; empty if the file cannot be read
 */
std::map<std::pair<std::string, std::string>, TimingLine>
ReadTiming(const std::string& path)
{
    std::map<std::pair<std::string, std::string>, TimingLine> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
    {
        std::vector<std::string> f;
        std::size_t begin = 0;
        while (f.size() < 7)
        {
            const std::size_t comma = line.find(',', begin);
            f.push_back(line.substr(begin, comma - begin));
            if (comma == std::string::npos)
            {
                begin = line.size() + 1;
                break;
            }
            begin = comma + 1;
        }
        if (f.size() < 6)
        {
            continue;
        }
        TimingLine t;
        t.solveSeconds = std::strtod(f[4].c_str(), nullptr);
        t.simulateSeconds = std::strtod(f[5].c_str(), nullptr);
        if (begin < line.size())
        {
            std::string quoted = line.substr(begin);
            if (quoted.size() >= 2 && quoted.front() == '"' && quoted.back() == '"')
            {
                quoted = quoted.substr(1, quoted.size() - 2);
            }
            for (std::size_t k = 0; k < quoted.size(); ++k)
            {
                t.message += quoted[k];
                if (quoted[k] == '"' && k + 1 < quoted.size() && quoted[k + 1] == '"')
                {
                    ++k;
                }
            }
        }
        lines[{f[2], f[3]}] = t;
    }
    return lines;
}

/// The files of a folder; an LlmInputError naming it if it cannot be read.
std::vector<std::filesystem::path>
ListFolder(const std::string& dir)
{
    std::vector<std::filesystem::path> files;
    std::error_code error;
    std::filesystem::directory_iterator it(dir, error);
    for (; !error && it != std::filesystem::directory_iterator(); it.increment(error))
    {
        files.push_back(it->path());
    }
    if (error)
    {
        throw LlmInputError(dir, "", "cannot read the folder: " + error.message());
    }
    return files;
}

/// Whether a file name is a temporary file of a write that never finished.
bool
IsLeftover(const std::filesystem::path& p)
{
    const std::string f = p.filename().string();
    return (f.rfind(".part-", 0) == 0 || f.rfind(".timing-", 0) == 0) && p.extension() == ".tmp";
}

/// The timing file of a part file: part-<tag>.csv → timing-<tag>.txt.
std::string
TimingOf(const std::filesystem::path& part)
{
    const std::string f = part.filename().string();
    return (part.parent_path() / ("timing-" + f.substr(5, f.size() - 9) + ".txt")).string();
}

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
                          const std::vector<LlmSweepRow>& rows,
                          const std::string& identity)
{
    std::string part = identity.empty() ? "" : kIdentityPrefix + identity + "\n";
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

std::size_t
LlmSweepPartScan::CountDone() const
{
    return std::count(done.begin(), done.end(), true);
}

std::vector<std::size_t>
LlmSweepPartScan::Missing() const
{
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < done.size(); ++i)
    {
        if (!done[i])
        {
            missing.push_back(i);
        }
    }
    return missing;
}

std::string
LlmSweepReport::ReadIdentity(const std::string& path)
{
    std::ifstream in(path);
    std::string line;
    if (!std::getline(in, line) || line.rfind(kIdentityPrefix, 0) != 0)
    {
        return "";
    }
    return line.substr(kIdentityPrefix.size());
}

std::string
LlmSweepReport::Difference(const std::string& theirs, const std::string& ours)
{
    if (theirs.empty())
    {
        return "it names no sweep: written by an earlier version, or not by edge-llm-sweep";
    }
    nlohmann::ordered_json a;
    nlohmann::ordered_json b;
    try
    {
        a = nlohmann::ordered_json::parse(theirs);
        b = nlohmann::ordered_json::parse(ours);
    }
    catch (const nlohmann::json::exception&)
    {
        return "its sweep line cannot be read";
    }
    // Options whose values fit in a sentence, and groups of options said by name.
    const std::map<std::string, std::string> option = {{"sweep", "--sweep"},
                                                       {"grid", "--grid"},
                                                       {"runs", "--runs"},
                                                       {"solvers", "--solvers"}};
    const std::map<std::string, std::string> group = {
        {"solver_options", "solver options differ (--time-limit, --gap)"},
        {"settings", "transport settings differ (--transport, --mtu, ..., --name, --variants)"},
        {"scenario_fnv1a", "scenario differs (--scenario, --model, --delta, --tokens, ...)"}};
    auto text = [](const nlohmann::ordered_json& v) {
        if (v.is_string())
        {
            return v.get<std::string>();
        }
        if (v.is_array()
            && std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_string(); }))
        {
            std::string joined;
            for (const auto& e : v)
            {
                joined += (joined.empty() ? "" : ",") + e.get<std::string>();
            }
            return joined;
        }
        return v.dump();
    };
    for (const auto& [key, value] : b.items())
    {
        if (a.contains(key) && a[key] == value)
        {
            continue;
        }
        if (key == "version")
        {
            return a.contains(key) ? "it was written by edge-llm " + text(a[key]) + ", this is "
                                         + text(value) + " (rerun the sweep with this version)"
                                   : "it was written by an edge-llm version before " + text(value)
                                         + " (rerun the sweep with this version)";
        }
        if (key == "simulate")
        {
            return value == true ? "it was made with --no-simulation, this sweep simulates"
                                 : "it simulates, this sweep has --no-simulation";
        }
        if (group.count(key))
        {
            return "its " + group.at(key);
        }
        const std::string name = option.count(key) ? option.at(key) : key;
        if (!a.contains(key))
        {
            return "it has no " + name;
        }
        const std::string x = text(a[key]);
        const std::string y = text(value);
        if (x.size() + y.size() > 60)
        {
            return "its " + name + " differs";
        }
        return "its " + name + " is " + x + ", this sweep's " + y;
    }
    return "its sweep line differs";
}

LlmSweepPartScan
LlmSweepReport::ScanParts(const std::string& dir, const LlmSweep& sweep)
{
    const LlmSweepConfig& c = sweep.GetConfig();
    const std::string identity = sweep.Describe();
    LlmSweepPartScan scan;
    scan.done.assign(sweep.GetNRuns(), false);
    for (const std::filesystem::path& p : ListFolder(dir))
    {
        if (IsLeftover(p))
        {
            scan.leftovers.push_back(p.string());
            continue;
        }
        if (!IsPartFile(p))
        {
            continue;
        }
        const std::string id = ReadIdentity(p.string());
        if (id != identity && !id.empty() && !nlohmann::json::accept(id))
        {
            scan.incomplete.push_back(p.string()); // cut inside its sweep line
            continue;
        }
        if (id != identity)
        {
            if (scan.foreign.empty())
            {
                scan.difference = Difference(id, identity);
            }
            scan.foreign.push_back(p.string());
            continue;
        }
        // part-run-<i>.csv with i in range, holding run i's rows and nothing else.
        const std::string f = p.filename().string();
        const std::string digits = f.substr(9, f.size() - 13);
        bool whole = f.rfind("part-run-", 0) == 0 && !digits.empty() && digits.size() < 10
                     && digits.find_first_not_of("0123456789") == std::string::npos
                     && (digits == "0" || digits[0] != '0');
        const std::size_t index = whole ? std::stoull(digits) : 0;
        whole = whole && index < scan.done.size();
        if (whole)
        {
            try
            {
                const std::vector<LlmSweepRow> rows = ReadCsv({p.string()});
                whole = rows.size() == sweep.GetRowsPerRun();
                for (const LlmSweepRow& r : rows)
                {
                    whole = whole && r.gridValue == c.grid[index / c.runs]
                            && r.run == index % c.runs + 1;
                }
            }
            catch (const LlmInputError&)
            {
                whole = false;
            }
        }
        if (whole)
        {
            scan.done[index] = true;
        }
        else
        {
            scan.incomplete.push_back(p.string());
        }
    }
    for (auto* list : {&scan.foreign, &scan.incomplete, &scan.leftovers})
    {
        std::sort(list->begin(), list->end(), NaturalLess);
    }
    return scan;
}

void
LlmSweepReport::RemoveParts(const std::vector<std::string>& paths)
{
    for (const std::string& path : paths)
    {
        std::vector<std::string> files{path};
        if (IsPartFile(path))
        {
            files.push_back(TimingOf(path));
        }
        for (const std::string& f : files)
        {
            std::error_code error;
            std::filesystem::remove(f, error);
            if (error)
            {
                throw LlmInputError(f, "", "cannot remove the file: " + error.message());
            }
        }
    }
}

void
LlmSweepReport::ClearParts(const std::string& dir)
{
    std::vector<std::string> files;
    for (const std::filesystem::path& p : ListFolder(dir))
    {
        if (IsPartFile(p) || IsTimingFile(p) || IsLeftover(p))
        {
            files.push_back(p.string());
        }
    }
    RemoveParts(files);
}

std::vector<LlmSweepRow>
LlmSweepReport::Merge(const std::string& dir, const std::string& identity)
{
    std::vector<std::string> parts;
    for (const std::filesystem::path& p : ListFolder(dir))
    {
        if (IsPartFile(p))
        {
            parts.push_back(p.string());
        }
    }
    if (parts.empty())
    {
        throw LlmInputError(dir, "", "no part-*.csv files to merge");
    }
    std::sort(parts.begin(), parts.end(), NaturalLess);
    // Each part with the times and messages of its timing file (matched by solver, setting).
    std::vector<std::pair<LlmSweepRow, bool>> rows; // the row, whether its timing was found
    for (const std::string& part : parts)
    {
        if (!identity.empty())
        {
            const std::string id = ReadIdentity(part);
            if (id != identity)
            {
                throw LlmInputError(part,
                                    "",
                                    "a part file of another sweep (" + Difference(id, identity)
                                        + "): merge with that sweep's options, or give this "
                                          "sweep another --output-dir");
            }
        }
        const auto timing = ReadTiming(TimingOf(part));
        for (const LlmSweepRow& r : ReadCsv({part}))
        {
            const auto it = timing.find({r.solver, r.setting});
            LlmSweepRow row = r;
            if (it != timing.end())
            {
                row.solveSeconds = it->second.solveSeconds;
                row.simulateSeconds = it->second.simulateSeconds;
                row.message = it->second.message;
            }
            rows.emplace_back(row, it != timing.end());
        }
    }
    std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
        const LlmSweepRow& a = x.first;
        const LlmSweepRow& b = y.first;
        return std::tie(a.gridValue, a.run, a.solver, a.setting)
               < std::tie(b.gridValue, b.run, b.solver, b.setting);
    });
    std::ofstream runs(dir + "/runs.csv");
    runs << CsvHeader() << "\n";
    for (const auto& [r, timed] : rows)
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
    std::vector<LlmSweepRow> out;
    for (const auto& [r, timed] : rows)
    {
        if (timed)
        {
            timing << ToTimingCsv(r) << "\n";
        }
        out.push_back(r);
    }
    timing.close();
    if (!timing)
    {
        throw LlmInputError(dir + "/timing.csv", "", "cannot write the file");
    }
    return out;
}

std::string
LlmSweepReport::MergeAndSummarize(const std::string& dir,
                                  LlmSweepConfig::Kind kind,
                                  std::string& note,
                                  const std::string& identity)
{
    const std::vector<LlmSweepRow> rows = Merge(dir, identity);
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
                  "%-12s %-12s %-12s %5s %6s %6s %14s %12s %14s %12s\n",
                  "grid value",
                  "solver",
                  "setting",
                  "runs",
                  "failed",
                  "limit",
                  "T mean s",
                  "T ci95 s",
                  "sim mean s",
                  "sim ci95 s");
    std::string text = buf;
    for (const LlmSweepSummary& s : summary)
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "%-12.4g %-12s %-12s %5u %6u %6u %14.6g %12.4g %14.6g %12.4g\n",
                      s.gridValue,
                      s.solver.c_str(),
                      s.setting.c_str(),
                      s.runs,
                      s.runsWithFailedTokens,
                      s.runsAtTimeLimit,
                      s.objectiveMean,
                      s.objectiveCi95,
                      s.simulatedMean,
                      s.simulatedCi95);
        text += buf;
    }
    return text;
}

bool
LlmSweepReport::AnyPlan(const std::vector<LlmSweepRow>& rows)
{
    return std::any_of(rows.begin(), rows.end(), [](const LlmSweepRow& r) {
        return r.status == "optimal" || r.status == "feasible";
    });
}

std::string
LlmSweepReport::Warnings(const std::vector<LlmSweepRow>& rows, std::size_t maxReasons)
{
    std::string text;
    // Failed tokens: rows simulated (a setting, a plan) in which some token failed.
    std::size_t simulated = 0;
    std::size_t lossy = 0;
    uint64_t failed = 0;
    uint64_t requested = 0;
    const LlmSweepRow* first = nullptr;
    for (const LlmSweepRow& r : rows)
    {
        if (r.setting == "-" || (r.status != "optimal" && r.status != "feasible"))
        {
            continue;
        }
        ++simulated;
        requested += r.tokensCompleted + r.tokensFailed;
        if (r.tokensFailed > 0)
        {
            ++lossy;
            failed += r.tokensFailed;
            first = first ? first : &r;
        }
    }
    if (lossy > 0)
    {
        text += "warning: tokens failed in " + std::to_string(lossy) + " of "
                + std::to_string(simulated) + " simulated rows (" + std::to_string(failed) + " of "
                + std::to_string(requested) + " tokens; first: grid value "
                + LlmTextParse::Format(first->gridValue) + ", run " + std::to_string(first->run)
                + ", " + first->solver + ", " + first->setting
                + "): their times are left out of the simulated means (summary.csv: "
                  "runs_with_failed_tokens, tokens_failed)\n";
    }
    // Time limits: plans (or none) where the solver stopped at its limit, per solver.
    std::map<std::string, std::set<std::tuple<double, uint32_t>>> limited;
    std::map<std::string, double> worstGap;
    for (const LlmSweepRow& r : rows)
    {
        if (r.message.find("time limit") != std::string::npos)
        {
            limited[r.solver].insert({r.gridValue, r.run});
            if (!std::isnan(r.gap) && (r.status == "optimal" || r.status == "feasible"))
            {
                worstGap[r.solver] = std::max(worstGap[r.solver], r.gap);
            }
        }
    }
    for (const auto& [solver, runs] : limited)
    {
        std::set<std::tuple<double, uint32_t>> all;
        for (const LlmSweepRow& r : rows)
        {
            if (r.solver == solver)
            {
                all.insert({r.gridValue, r.run});
            }
        }
        text +=
            "warning: " + solver + " stopped at its time limit in " + std::to_string(runs.size())
            + " of " + std::to_string(all.size()) + " runs"
            + (worstGap.count(solver)
                   ? " (largest proven gap " + LlmTextParse::Format(100 * worstGap[solver]) + " %)"
                   : std::string())
            + "; summary.csv: runs_at_time_limit, gap_max (raise --time-limit or allow --gap)\n";
    }
    // No plan: one line per distinct reason, counting runs (not settings).
    std::map<std::string, std::set<std::tuple<double, uint32_t, std::string>>> reasons;
    std::map<std::string, std::set<std::tuple<double, uint32_t>>> runsOf; // per solver
    std::vector<std::string> order;
    for (const LlmSweepRow& r : rows)
    {
        runsOf[r.solver].insert({r.gridValue, r.run});
        if (r.status == "optimal" || r.status == "feasible")
        {
            continue;
        }
        const std::string why =
            r.solver + " (" + r.status + "): "
            + (r.message.empty() ? std::string("no reason given (no timing file?)") : r.message);
        if (reasons.find(why) == reasons.end())
        {
            order.push_back(why);
        }
        reasons[why].insert({r.gridValue, r.run, r.solver});
    }
    for (std::size_t k = 0; k < order.size() && k < maxReasons; ++k)
    {
        const std::string solver = order[k].substr(0, order[k].find(" ("));
        text += "no plan in " + std::to_string(reasons[order[k]].size()) + " of "
                + std::to_string(runsOf[solver].size()) + " runs, " + order[k] + "\n";
    }
    if (order.size() > maxReasons)
    {
        text += "... and " + std::to_string(order.size() - maxReasons)
                + " more distinct reasons for no plan (timing.csv, column message)\n";
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
    // In double throughout: Boost.Math would otherwise promote to long double, whose static
    // initializers overflow under valgrind (which emulates long double with 64 bits).
    using Policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
    boost::math::students_t_distribution<double, Policy> t(static_cast<double>(x.size() - 1));
    const double q = boost::math::quantile(boost::math::complement(t, 0.025));
    return {mean, q * std::sqrt(var / x.size())};
}

} // namespace

std::vector<LlmSweepSummary>
LlmSweepReport::Summarize(const std::vector<LlmSweepRow>& rows)
{
    /// The samples and counts of one (solver, setting, grid value).
    struct Group
    {
        std::vector<double> objective; //!< T of the runs with a plan
        std::vector<double> floor;     //!< Σ cp of the runs with a plan
        std::vector<double> simulated; //!< Simulated time of the completed runs
        std::vector<double> ratio;     //!< Simulated / T of the completed runs
        uint32_t failedRuns{0};        //!< Runs with failed tokens
        uint64_t failedTokens{0};      //!< Failed tokens
        uint32_t noPlan{0};            //!< Runs without a plan
        uint32_t atLimit{0};           //!< Runs stopped at the time limit
        double gapMax{NAN};            //!< Largest proven gap (NaN: none proven)
        std::vector<double> replans;   //!< Re-plans of the simulated runs
        std::vector<double> replay;    //!< Replay time of the simulated runs, s
        uint64_t requested{0};         //!< Tokens requested in the simulated runs
    };

    std::map<std::tuple<std::string, std::string, double>, Group> groups;
    for (const LlmSweepRow& r : rows)
    {
        Group& g = groups[{r.solver, r.setting, r.gridValue}];
        if (r.message.find("time limit") != std::string::npos)
        {
            ++g.atLimit;
        }
        if (r.status != "optimal" && r.status != "feasible")
        {
            ++g.noPlan;
            continue;
        }
        g.objective.push_back(r.objective);
        g.floor.push_back(r.computeBound);
        if (!std::isnan(r.gap))
        {
            g.gapMax = std::isnan(g.gapMax) ? r.gap : std::max(g.gapMax, r.gap);
        }
        if (r.setting != "-")
        {
            g.replans.push_back(r.replans);
            g.replay.push_back(r.replaySeconds);
            g.requested += r.tokensCompleted + r.tokensFailed;
        }
        if (r.tokensFailed > 0)
        {
            ++g.failedRuns;
            g.failedTokens += r.tokensFailed;
            continue; // its time is not that of the whole workload
        }
        if (r.simulated > 0)
        {
            g.simulated.push_back(r.simulated);
            if (r.objective > 0)
            {
                g.ratio.push_back(r.simulated / r.objective);
            }
        }
    }
    std::vector<LlmSweepSummary> out;
    for (const auto& [key, g] : groups)
    {
        LlmSweepSummary s;
        s.solver = std::get<0>(key);
        s.setting = std::get<1>(key);
        s.gridValue = std::get<2>(key);
        s.runs = static_cast<uint32_t>(g.objective.size());
        std::tie(s.objectiveMean, s.objectiveCi95) = MeanCi(g.objective);
        std::tie(s.simulatedMean, s.simulatedCi95) = MeanCi(g.simulated);
        s.computeBoundMean = MeanCi(g.floor).first;
        std::tie(s.ratioMean, s.ratioCi95) = MeanCi(g.ratio);
        s.simulatedRuns = static_cast<uint32_t>(g.simulated.size());
        s.runsWithFailedTokens = g.failedRuns;
        s.tokensFailed = g.failedTokens;
        s.runsWithoutPlan = g.noPlan;
        s.runsAtTimeLimit = g.atLimit;
        s.gapMax = g.gapMax;
        s.replansMean = MeanCi(g.replans).first;
        s.replayMeanSeconds = MeanCi(g.replay).first;
        s.tokensRequested = g.requested;
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
           "simulated_over_objective_ci95,simulated_runs,runs_with_failed_tokens,tokens_failed,"
           "runs_without_plan,runs_at_time_limit,gap_max,runs_missing,replans_mean,replay_mean_s\n";
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const LlmSweepSummary& s : summary)
    {
        char buf[1024];
        std::snprintf(
            buf,
            sizeof(buf),
            "%.17g,%s,%s,%u,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%u,%u,%llu,%u,%u,%s,%u,%.17g,"
            "%.17g\n",
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
            s.ratioCi95,
            s.simulatedRuns,
            s.runsWithFailedTokens,
            static_cast<unsigned long long>(s.tokensFailed),
            s.runsWithoutPlan,
            s.runsAtTimeLimit,
            std::isnan(s.gapMax) ? "" : LlmTextParse::Format(s.gapMax).c_str(),
            s.runsMissing,
            s.replansMean,
            s.replayMeanSeconds);
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
                        {"simulated_over_objective_ci95", s.ratioCi95},
                        {"simulated_runs", s.simulatedRuns},
                        {"runs_with_failed_tokens", s.runsWithFailedTokens},
                        {"tokens_failed", s.tokensFailed},
                        {"runs_without_plan", s.runsWithoutPlan},
                        {"runs_at_time_limit", s.runsAtTimeLimit},
                        // null: no gap proven (a heuristic solver)
                        {"gap_max",
                         std::isnan(s.gapMax) ? nlohmann::ordered_json(nullptr)
                                              : nlohmann::ordered_json(s.gapMax)},
                        {"runs_missing", s.runsMissing},
                        {"replans_mean", s.replansMean},
                        {"replay_mean_s", s.replayMeanSeconds}});
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

    // Figures: objective (analytic) and simulated completion vs the grid, per solver, in the
    // house style of LlmFigure (colour per solver, marker per setting, PNG and PDF).
    const bool omega = kind == LlmSweepConfig::OMEGA;
    const bool logX = kind == LlmSweepConfig::OMEGA || kind == LlmSweepConfig::CCS;
    const std::string x = omega                              ? "min link speed Ω"
                          : kind == LlmSweepConfig::CCS      ? "min CPU clock CCS"
                          : kind == LlmSweepConfig::FAILURES ? "failure rate per server (1/h)"
                                                             : "number of LLMs sharing the servers";
    const LlmFigure::Unit xUnit = omega                         ? LlmFigure::Unit::BIT_PER_S
                                  : kind == LlmSweepConfig::CCS ? LlmFigure::Unit::HERTZ
                                                                : LlmFigure::Unit::NONE;
    std::set<std::string> settings;
    double xLo = INFINITY;
    double xHi = 0;
    bool anySimulated = false;
    std::set<std::string> simulatedSolvers; // solvers with simulated rows (the rest: "-")
    for (const LlmSweepSummary& s : summary)
    {
        if (s.setting != "-")
        {
            settings.insert(s.setting);
            simulatedSolvers.insert(s.solver);
        }
        xLo = std::min(xLo, s.gridValue);
        xHi = std::max(xHi, s.gridValue);
        anySimulated = anySimulated || (s.simulatedRuns > 0 && s.simulatedMean > 0);
    }
    std::set<std::string> solvers;
    for (const LlmSweepSummary& s : summary)
    {
        solvers.insert(s.solver);
    }
    auto settingIndex = [&settings](const std::string& setting) {
        return static_cast<std::size_t>(std::distance(settings.begin(), settings.find(setting)));
    };
    auto marker = [&](const std::string& setting) {
        return LlmFigure::SettingMarker(settingIndex(setting));
    };
    // A colour per solver; with one solver and several settings, a colour per setting.
    const bool bySetting = solvers.size() == 1 && settings.size() > 1;
    auto colourOf = [&](const std::string& solver, const std::string& setting) {
        return bySetting ? LlmFigure::SettingColour(settingIndex(setting))
                         : LlmFigure::SolverColour(solver);
    };
    std::vector<std::string> notes;
    for (const std::string& what :
         {std::string("objective"), std::string("simulated"), std::string("ratio")})
    {
        const bool ratio = what == "ratio";
        const std::string base = dir + "/" + name + "-" + what;
        if (what != "objective" && !anySimulated)
        {
            // Nothing simulated (--no-simulation): no figure, and none left from an earlier run.
            for (const char* ext : {".png", ".pdf", ".plt"})
            {
                std::error_code ec;
                std::filesystem::remove(base + ext, ec);
            }
            continue;
        }
        // The datasets, in a fixed order: per solver (sorted), analytic, floor, then settings.
        std::map<std::string, Gnuplot2dDataset> sets;
        std::vector<std::string> order;
        auto add = [&](const std::string& key,
                       const std::string& style,
                       bool bars,
                       double gx,
                       double y,
                       double ci) {
            auto it = sets.find(key);
            if (it == sets.end())
            {
                Gnuplot2dDataset d(key);
                d.SetStyle(Gnuplot2dDataset::LINES_POINTS);
                d.SetErrorBars(bars ? Gnuplot2dDataset::Y : Gnuplot2dDataset::NONE);
                d.SetExtra(style);
                it = sets.emplace(key, d).first;
                order.push_back(key);
            }
            if (bars)
            {
                it->second.Add(gx, y, ci);
            }
            else
            {
                it->second.Add(gx, y);
            }
        };
        double yLo = INFINITY;
        double yHi = 0;
        uint32_t minRuns = UINT32_MAX;
        uint32_t maxRuns = 0;
        std::set<std::pair<std::string, double>> analyticDone; // T is the same in every setting
        for (const LlmSweepSummary& s : summary)
        {
            if (s.runs == 0)
            {
                continue; // no plan at this grid value: nothing to draw
            }
            if (what != "objective" && simulatedSolvers.count(s.solver) == 0)
            {
                continue; // solved, not simulated: its T is in the objective figure
            }
            const std::string colour = LlmFigure::SolverColour(s.solver);
            const std::string simLabel =
                s.solver + " simulated" + (settings.size() > 1 ? " (" + s.setting + ")" : "");
            auto track = [&](double y, double ci, uint32_t runs) {
                yLo = std::min(yLo, y - ci > 0 ? y - ci : y);
                yHi = std::max(yHi, y + ci);
                minRuns = std::min(minRuns, runs);
                maxRuns = std::max(maxRuns, runs);
            };
            if (ratio)
            {
                if (s.ratioMean > 0)
                {
                    add(s.solver + " simulated / analytic"
                            + (settings.size() > 1 ? " (" + s.setting + ")" : ""),
                        LlmFigure::Style(colourOf(s.solver, s.setting), marker(s.setting), 1),
                        true,
                        s.gridValue,
                        s.ratioMean,
                        s.ratioCi95);
                    track(s.ratioMean, s.ratioCi95, s.simulatedRuns);
                }
                continue;
            }
            if (analyticDone.insert({s.solver, s.gridValue}).second)
            {
                const bool sim = what == "simulated";
                add(s.solver + (kind == LlmSweepConfig::MODELS ? " joint J" : " analytic T"),
                    LlmFigure::Style(colour, sim ? 0 : 7, sim ? 2 : 1),
                    true,
                    s.gridValue,
                    s.objectiveMean,
                    s.objectiveCi95);
                track(s.objectiveMean, s.objectiveCi95, s.runs);
                if (sim && s.computeBoundMean > 0)
                {
                    add(s.solver + " compute floor",
                        LlmFigure::Style(colour, 0, 3),
                        false,
                        s.gridValue,
                        s.computeBoundMean,
                        0.0);
                    track(s.computeBoundMean, 0.0, s.runs);
                }
            }
            if (what == "simulated" && s.simulatedMean > 0)
            {
                add(simLabel,
                    LlmFigure::Style(colourOf(s.solver, s.setting), marker(s.setting), 1),
                    true,
                    s.gridValue,
                    s.simulatedMean,
                    s.simulatedCi95);
                track(s.simulatedMean, s.simulatedCi95, s.simulatedRuns);
            }
        }
        if (sets.empty())
        {
            continue; // no plan at all: no figure
        }
        const std::string title =
            what == "objective"
                ? (kind == LlmSweepConfig::MODELS
                       ? std::string("Joint objective J (analytic), per joint solver")
                       : std::string("DILEMMA objective T (analytic), per solver"))
            : ratio ? std::string("Where the simulation leaves the model: simulated / analytic T")
                    : std::string("Simulated completion time (ns-3), analytic T and compute floor");
        Gnuplot plot(base + ".png", title + "\\n" + LlmFigure::Caption(minRuns, maxRuns, true));
        // Log y only when the values span more than a decade.
        const bool logY = !ratio && yLo > 0 && yHi > 10 * yLo;
        plot.SetExtra(LlmFigure::Axis("x", x, xUnit, logX, xLo, xHi)
                      + (logX || !(xHi > xLo)
                             ? std::string()
                             : "set xrange [" + LlmTextParse::Format(xLo - 0.05 * (xHi - xLo)) + ":"
                                   + LlmTextParse::Format(xHi + 0.05 * (xHi - xLo)) + "]\n")
                      + LlmFigure::Axis("y",
                                        ratio ? "simulated / analytic T" : "completion time",
                                        ratio ? LlmFigure::Unit::NONE : LlmFigure::Unit::SECONDS,
                                        logY,
                                        yLo,
                                        yHi)
                      + LlmFigure::Key(sets.size(), false)
                      + "set grid xtics ytics mxtics mytics lc rgb \"#dddddd\"");
        for (const std::string& key : order)
        {
            plot.AddDataset(sets.at(key));
        }
        const std::string note = LlmFigure::Draw(plot, base);
        if (!note.empty())
        {
            notes.push_back(note.substr(0, note.size() - 1));
        }
    }
    if (kind == LlmSweepConfig::FAILURES && anySimulated)
    {
        // What failures cost beyond time: the share of tokens failed (left axis) and the
        // re-plans per run (right axis), per solver and setting, every run counted.
        const std::string base = dir + "/" + name + "-tokens";
        std::map<std::string, Gnuplot2dDataset> sets;
        std::vector<std::string> order;
        double replansHi = 0;
        double failedHi = 0;
        uint32_t minRuns = UINT32_MAX;
        uint32_t maxRuns = 0;
        for (const LlmSweepSummary& s : summary)
        {
            if (s.setting == "-" || s.tokensRequested == 0)
            {
                continue;
            }
            const std::string suffix = settings.size() > 1 ? " (" + s.setting + ")" : "";
            const std::string colour = colourOf(s.solver, s.setting);
            for (const bool replans : {false, true})
            {
                const std::string key =
                    s.solver + (replans ? " re-plans per run (right)" : " tokens failed (%)")
                    + suffix;
                auto it = sets.find(key);
                if (it == sets.end())
                {
                    Gnuplot2dDataset d(key);
                    d.SetStyle(Gnuplot2dDataset::LINES_POINTS);
                    d.SetExtra(LlmFigure::Style(colour, marker(s.setting), replans ? 2 : 1)
                               + (replans ? " axes x1y2" : ""));
                    it = sets.emplace(key, d).first;
                    order.push_back(key);
                }
                it->second.Add(s.gridValue,
                               replans ? s.replansMean
                                       : 100.0 * s.tokensFailed / s.tokensRequested);
            }
            replansHi = std::max(replansHi, s.replansMean);
            failedHi = std::max(failedHi, 100.0 * s.tokensFailed / s.tokensRequested);
            const uint32_t runs = s.runs + s.runsWithoutPlan;
            minRuns = std::min(minRuns, runs);
            maxRuns = std::max(maxRuns, runs);
        }
        if (!sets.empty())
        {
            Gnuplot plot(base + ".png",
                         "Tokens failed and re-plans as servers fail (no repair)\\n"
                             + LlmFigure::Caption(minRuns, maxRuns, false));
            plot.SetExtra(LlmFigure::Axis("x", x, xUnit, false, xLo, xHi) + "set xrange ["
                          + LlmTextParse::Format(xLo - 0.05 * (xHi - xLo)) + ":"
                          + LlmTextParse::Format(xHi + 0.05 * (xHi - xLo)) + "]\n"
                          + "set ylabel \"tokens failed (% of requested)\"\nset yrange [0:"
                          + LlmTextParse::Format(std::max(1.0, 1.2 * failedHi)) + "]\n"
                          + "set y2label \"re-plans per run (mean)\"\nset y2range [0:"
                          + LlmTextParse::Format(std::max(1.0, 1.2 * replansHi)) + "]\n"
                          + "set ytics nomirror\nset y2tics\n" + LlmFigure::Key(sets.size(), true)
                          + "set grid xtics ytics lc rgb \"#dddddd\"");
            for (const std::string& key : order)
            {
                plot.AddDataset(sets.at(key));
            }
            const std::string drawn = LlmFigure::Draw(plot, base);
            if (!drawn.empty())
            {
                notes.push_back(drawn.substr(0, drawn.size() - 1));
            }
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
