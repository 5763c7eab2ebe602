// SPDX-License-Identifier: GPL-2.0-only

#include "llm-sweep-runner.h"

#include "llm-sweep-report.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-text-parse.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>
#include <unistd.h>

namespace ns3
{

namespace
{

/**
 * @brief Ascending run indices as ranges, "0, 3-7, 9" (at most 20 ranges, then "...").
 * @param indices ascending indices
 * @return the text
 */
std::string
IndexRanges(const std::vector<std::size_t>& indices)
{
    std::string text;
    std::size_t ranges = 0;
    for (std::size_t k = 0; k < indices.size();)
    {
        std::size_t end = k;
        while (end + 1 < indices.size() && indices[end + 1] == indices[end] + 1)
        {
            ++end;
        }
        if (++ranges > 20)
        {
            return text + ", ...";
        }
        text += (text.empty() ? "" : ", ") + std::to_string(indices[k]);
        if (end > k)
        {
            text += "-" + std::to_string(indices[end]);
        }
        k = end + 1;
    }
    return text;
}

/// Where the options the runner reads come from, as LlmInputError names it.
const std::string kSource = "command line";

} // namespace

LlmSweepRunner::LlmSweepRunner(const LlmSweep& sweep,
                               const std::string& outputDir,
                               uint32_t jobs,
                               bool quiet)
    : m_sweep(sweep)
    , m_outputDir(outputDir)
    , m_pool(jobs)
    , m_quiet(quiet)
{
    m_pool.SetProgressCallback(quiet ? nullptr : LlmProcessPool::PrintProgress("runs"));
}

const LlmSweep&
LlmSweepRunner::GetSweep() const
{
    return m_sweep;
}

void
LlmSweepRunner::PrepareOutputDir(bool create) const
{
    const std::string& dir = m_outputDir;
    const std::string quoted = "\"" + dir + "\"";
    if (dir.empty())
    {
        throw LlmInputError(kSource, "--output-dir", "expected a folder, got \"\"");
    }
    std::error_code error;
    const auto status = std::filesystem::status(dir, error);
    if (std::filesystem::exists(status) && !std::filesystem::is_directory(status))
    {
        throw LlmInputError(kSource, "--output-dir", "expected a folder, " + quoted + " is a file");
    }
    if (!std::filesystem::exists(status))
    {
        if (!create)
        {
            throw LlmInputError(kSource,
                                "--output-dir",
                                "expected the folder of the sweep's part files, " + quoted
                                    + " does not exist");
        }
        error.clear();
        std::filesystem::create_directories(dir, error);
        if (error)
        {
            throw LlmInputError(kSource,
                                "--output-dir",
                                "expected a folder that can be created, " + quoted + ": "
                                    + error.message());
        }
    }
    if (access(dir.c_str(), W_OK | X_OK) != 0)
    {
        throw LlmInputError(kSource,
                            "--output-dir",
                            "expected a folder this user can write, " + quoted + " is not");
    }
}

void
LlmSweepRunner::SetOutputsRun(const std::string& outputsRun, const LlmSimulationOutputs& outputs)
{
    const LlmSimulationOutputs& o = outputs;
    const std::string files = o.pcapPrefix + o.asciiFile + o.flowMonitorXml + o.netAnimXml;
    if (outputsRun.empty() && (files + o.tokenCsv + o.placementCsv).empty())
    {
        return;
    }
    const std::size_t total = m_sweep.GetNRuns();
    const std::string what = "the run index 0 ... " + std::to_string(total - 1)
                             + " whose output files (--pcap, ...) to write";
    const std::size_t index =
        LlmTextParse::Integer(kSource, "--outputs-run", outputsRun, 0, total - 1, what);
    m_sweep.SetOutputs(index, outputs);
    m_filesRun = index;
}

int
LlmSweepRunner::Report(const std::vector<std::size_t>& missing) const
{
    const std::string identity = m_sweep.Describe();
    const std::vector<LlmSweepRow> rows = LlmSweepReport::Merge(m_outputDir, identity);
    std::vector<LlmSweepSummary> summary = LlmSweepReport::Summarize(rows);
    const LlmSweepConfig& c = m_sweep.GetConfig();
    for (LlmSweepSummary& s : summary)
    {
        for (std::size_t i : missing)
        {
            s.runsMissing += c.grid[i / c.runs] == s.gridValue ? 1 : 0;
        }
    }
    const std::string note = LlmSweepReport::WriteSummary(m_outputDir, summary, c.kind);
    std::fprintf(stderr, "%s", m_quiet ? "" : note.c_str());
    std::printf("%s\n%zu rows in %s/runs.csv; summary.csv, summary.json and PNG figures "
                "beside it\n",
                LlmSweepReport::ToText(summary).c_str(),
                rows.size(),
                m_outputDir.c_str());
    if (!missing.empty())
    {
        std::printf("Partial merge (--allow-missing): %zu of %zu runs missing (run indices %s); "
                    "summary.csv and summary.json count them in runs_missing\n",
                    missing.size(),
                    m_sweep.GetNRuns(),
                    IndexRanges(missing).c_str());
    }
    std::fflush(stdout);
    std::istringstream warnings(LlmSweepReport::Warnings(rows));
    for (std::string line; std::getline(warnings, line);)
    {
        std::cerr << "edge-llm-sweep: " << line << std::endl;
    }
    if (!LlmSweepReport::AnyPlan(rows))
    {
        std::cerr << "edge-llm-sweep: no run has a plan (reasons above)" << std::endl;
        return 2;
    }
    return 0;
}

int
LlmSweepRunner::Merge(bool allowMissing) const
{
    const std::size_t total = m_sweep.GetNRuns();
    const LlmSweepPartScan scan = LlmSweepReport::ScanParts(m_outputDir, m_sweep);
    if (!scan.foreign.empty())
    {
        throw LlmInputError(scan.foreign.front(),
                            "",
                            "a part file of another sweep (" + scan.difference
                                + "): merge with that sweep's options, or give this sweep "
                                  "another --output-dir");
    }
    if (!scan.incomplete.empty())
    {
        throw LlmInputError(scan.incomplete.front(),
                            "",
                            "truncated or corrupt: expected the "
                                + std::to_string(m_sweep.GetRowsPerRun())
                                + " rows of one run of this sweep; delete it and rerun the sweep "
                                  "(without --merge) to run that index again");
    }
    const std::vector<std::size_t> missing = scan.Missing();
    if (missing.size() == total)
    {
        throw LlmInputError(m_outputDir, "--merge", "no part file of this sweep to merge");
    }
    if (!missing.empty() && !allowMissing)
    {
        throw LlmInputError(m_outputDir,
                            "--merge",
                            std::to_string(missing.size()) + " of " + std::to_string(total)
                                + " runs have no part file (run indices " + IndexRanges(missing)
                                + "): rerun the sweep without --merge to run them, or add "
                                  "--allow-missing to summarize the others");
    }
    return Report(missing);
}

int
LlmSweepRunner::WriteRunList(const LlmProcessPool::Command& self) const
{
    const std::size_t total = m_sweep.GetNRuns();
    LlmProcessPool::WriteRunList(m_outputDir + "/runs.txt", total, [&](std::size_t i) {
        LlmProcessPool::Command c;
        if (!self.empty())
        {
            c.push_back(self.front());
            std::copy_if(self.begin() + 1,
                         self.end(),
                         std::back_inserter(c),
                         [](const std::string& a) {
                             return a != "--write-run-list" && a.rfind("--write-run-list=", 0) != 0;
                         });
        }
        c.push_back("--run-index=" + std::to_string(i));
        return c;
    });
    std::printf("%zu run commands in %s/runs.txt\n", total, m_outputDir.c_str());
    return 0;
}

int
LlmSweepRunner::RunOne(const std::string& runIndex, const std::string& saveScenario) const
{
    if (!saveScenario.empty() && runIndex.empty())
    {
        throw LlmInputError(kSource, "--save-scenario", "needs --run-index=k");
    }
    const std::size_t i =
        LlmTextParse::Integer(kSource, "--run-index", runIndex, 0, m_sweep.GetNRuns() - 1);
    if (!saveScenario.empty())
    {
        if (m_sweep.GetConfig().kind == LlmSweepConfig::MODELS)
        {
            m_sweep.DrawMultiScenario(i).Save(saveScenario);
        }
        else
        {
            m_sweep.DrawScenario(i).Save(saveScenario);
        }
        std::printf("run index %zu: scenario written to %s\n", i, saveScenario.c_str());
        return 0;
    }
    LlmSweepReport::WritePart(m_outputDir, i, m_sweep.Run(i), m_sweep.Describe());
    return 0;
}

int
LlmSweepRunner::RunAll(const LlmProcessPool::Command& self) const
{
    // Keep the whole part files of this sweep (a rerun resumes), remove those of another one,
    // run each missing index in a process of its own, then merge.
    const std::size_t total = m_sweep.GetNRuns();
    LlmSweepPartScan scan = LlmSweepReport::ScanParts(m_outputDir, m_sweep);
    if (m_filesRun)
    {
        scan.done[*m_filesRun] = false; // run again: its output files are asked for
    }
    if (!scan.foreign.empty())
    {
        std::cerr << "edge-llm-sweep: " << m_outputDir << ": removing " << scan.foreign.size()
                  << " part file(s) of another sweep (" << scan.difference << ")" << std::endl;
    }
    LlmSweepReport::RemoveParts(scan.foreign);
    LlmSweepReport::RemoveParts(scan.incomplete);
    LlmSweepReport::RemoveParts(scan.leftovers);
    const std::vector<std::size_t> missing = scan.Missing();
    if (missing.size() < total)
    {
        std::cerr << "edge-llm-sweep: " << m_outputDir << ": resuming, " << total - missing.size()
                  << " of " << total << " runs already done, " << missing.size() << " to run"
                  << std::endl;
    }
    const auto start = std::chrono::steady_clock::now();
    LlmProcessPool::CatchStopSignals();
    const auto failures = m_pool.Run(missing.size(), [&](std::size_t k) {
        LlmProcessPool::Command c(self);
        c.push_back("--run-index=" + std::to_string(missing[k]));
        c.push_back("--quiet=1");
        return c;
    });
    const int stop = LlmProcessPool::GetStopSignal();
    LlmProcessPool::ReleaseStopSignals(); // a second Ctrl-C ends the merge at once
    if (stop != 0)
    {
        const std::size_t done = LlmSweepReport::ScanParts(m_outputDir, m_sweep).CountDone();
        std::cerr << "edge-llm-sweep: stopped by " << (stop == SIGINT ? "SIGINT" : "SIGTERM")
                  << ": " << done << " of " << total << " runs finished, their part files "
                  << "kept in " << m_outputDir << "; run the same command again to run the "
                  << total - done << " missing" << std::endl;
        return 128 + stop;
    }
    if (!failures.empty())
    {
        const std::size_t first = missing[failures.front().index];
        std::cerr << "edge-llm-sweep: " << failures.size() << " run(s) failed, first index "
                  << first << " (" << failures.front().reason
                  << "; rerun it with --run-index=" << first
                  << " to see why; the same command again runs the failed ones)" << std::endl;
        return 1;
    }
    const int code = Report();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!missing.empty())
    {
        std::printf("Wall time %.1f s with %zu parallel job(s), %.2f s per run\n",
                    wall,
                    std::min<std::size_t>(m_pool.GetJobs(), missing.size()),
                    wall / missing.size());
    }
    return code;
}

} // namespace ns3
