// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SWEEP_REPORT_H
#define LLM_SWEEP_REPORT_H

#include "llm-sweep.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Mean and 95 % confidence interval of one (grid value, solver, setting).
 */
struct LlmSweepSummary
{
    double gridValue{0};        //!< g
    std::string solver;         //!< Solver
    std::string setting;        //!< Transport setting
    uint32_t runs{0};           //!< Runs with a plan (the objective's sample)
    double objectiveMean{0};    //!< Mean analytic T, s
    double objectiveCi95{0};    //!< Half-width of the 95 % Student-t interval, s
    double simulatedMean{0};    //!< Mean simulated completion of the completed runs, s
    double simulatedCi95{0};    //!< Half-width, s
    double computeBoundMean{0}; //!< Mean Σ cp of the plans: the transfer-free floor, s
    double ratioMean{0};        //!< Mean of simulated / analytic T, the completed runs
    double ratioCi95{0};        //!< Half-width of its 95 % interval
    uint32_t simulatedRuns{0};  //!< Runs with every token completed: the simulated means' sample
    uint32_t runsWithFailedTokens{0}; //!< Simulated runs in which a token failed
    uint64_t tokensFailed{0};         //!< Tokens failed, summed over the runs
    uint32_t runsWithoutPlan{0};      //!< Runs in which the solver found no plan
    /// Runs in which the solver stopped at its time limit (with or without a plan)
    uint32_t runsAtTimeLimit{0};
    /// Largest proven gap of the plans (0: all proven optimal; NaN: no gap proven, a heuristic)
    double gapMax{NAN};
    /// Run indices of this grid point without a part file (a merge with --allow-missing)
    uint32_t runsMissing{0};
    double replansMean{0};       //!< Mean re-plans after failures over the simulated runs
    double replayMeanSeconds{0}; //!< Mean simulated replay time over the simulated runs, s
    uint64_t tokensRequested{0}; //!< Tokens requested, summed over the simulated runs
};

/**
 * @ingroup edge-llm
 * @brief The part files of an output folder, seen from one sweep (LlmSweepReport::ScanParts).
 */
struct LlmSweepPartScan
{
    std::vector<bool> done;              //!< Per run index: a whole part file of this sweep
    std::vector<std::string> foreign;    //!< Part files of another sweep (or of no known one)
    std::string difference;              //!< How the first foreign file's sweep differs
    std::vector<std::string> incomplete; //!< This sweep's part files that are not whole
    std::vector<std::string> leftovers;  //!< Temporary files of writes that never finished

    /// @return how many run indices are done
    std::size_t CountDone() const;
    /// @return the run indices not done, ascending
    std::vector<std::size_t> Missing() const;
};

/**
 * @ingroup edge-llm
 * @brief The files of a sweep: the CSV schema of its rows, the part files each run index
 *        writes, their merge into runs.csv and timing.csv, the Student-t summary and the
 *        gnuplot figures.
 *
 * A run index writes part-run-<i>.csv (a first line "# sweep: <LlmSweep::Describe()>", then
 * its rows, repeatable byte for byte) and timing-run-<i>.txt (its wall times, statuses and
 * plan messages) into the output folder; Merge() collects every part file of the folder, in
 * whatever order and from whatever machine they came, and refuses those of another sweep.
 * ScanParts() tells which run indices a folder already holds, so that a sweep resumes.
 */
class LlmSweepReport
{
  public:
    /// @return the CSV header line of the run rows
    static std::string CsvHeader();
    /**
     * @brief A row as a CSV line (without wall times, so that a run repeats byte for byte).
     * @param row the row
     * @return the line, without the newline
     */
    static std::string ToCsv(const LlmSweepRow& row);
    /**
     * @brief Read run rows from CSV files (header lines and empty lines are skipped).
     * @param paths the files
     * @return the rows, sorted by grid value, run, solver and setting
     * @throws LlmInputError on a file that cannot be read or a malformed line
     */
    static std::vector<LlmSweepRow> ReadCsv(const std::vector<std::string>& paths);

    /// @return the CSV header line of timing.csv
    static std::string TimingCsvHeader();
    /**
     * @brief A row's wall times, status and plan message as a timing.csv line (the message
     *        in double quotes, a quote in it doubled).
     * @param row the row
     * @return the line, without the newline
     */
    static std::string ToTimingCsv(const LlmSweepRow& row);

    /**
     * @brief The sweep a part file was written by: its first line's "# sweep: " text.
     * @param path the part file
     * @return LlmSweep::Describe() of that sweep, or "" if the file has no such line (an
     *         earlier version's) or cannot be read
     */
    static std::string ReadIdentity(const std::string& path);

    /**
     * @brief How two sweeps differ, for people: "its --runs is 10, this sweep's 7".
     * @param theirs LlmSweep::Describe() of the other sweep ("" if unknown)
     * @param ours LlmSweep::Describe() of this one
     * @return the text naming the first option that differs
     */
    static std::string Difference(const std::string& theirs, const std::string& ours);

    /**
     * @brief Which run indices of a sweep a folder holds in whole part files, and which part
     *        files belong to another sweep.
     * @param dir the output folder
     * @param sweep the sweep
     * @return the scan
     * @throws LlmInputError if the folder cannot be read
     */
    static LlmSweepPartScan ScanParts(const std::string& dir, const LlmSweep& sweep);

    /**
     * @brief Remove files and, for a part file, its timing file.
     * @param paths the files (part-run-<i>.csv, temporary files, ...)
     * @throws LlmInputError if one cannot be removed
     */
    static void RemoveParts(const std::vector<std::string>& paths);

    /**
     * @brief Write the part files of one run index: part-run-<i>.csv and timing-run-<i>.txt,
     *        each written whole under a temporary name first, so that a merge never reads half
     *        a run.
     * @param dir the output folder
     * @param index the run index
     * @param rows its rows
     * @param identity LlmSweep::Describe() of the sweep, the part file's first line ("": none)
     * @throws LlmInputError if a file cannot be written
     */
    static void WritePart(const std::string& dir,
                          std::size_t index,
                          const std::vector<LlmSweepRow>& rows,
                          const std::string& identity = "");
    /**
     * @brief Remove every part file (and timing and temporary file) from a folder.
     * @param dir the output folder
     * @throws LlmInputError if the folder cannot be read or a file cannot be removed
     */
    static void ClearParts(const std::string& dir);
    /**
     * @brief Merge the part files of a folder into runs.csv (header, then the rows sorted by
     *        grid value, run, solver and setting) and timing.csv (the same order, with each
     *        row's wall times, status and plan message).
     * @param dir the output folder
     * @param identity LlmSweep::Describe() of the sweep to merge: a part file of another
     *        sweep is refused ("": every part file is taken)
     * @return the rows, with the wall times and plan messages of their timing files
     * @throws LlmInputError if there is no part file, one is malformed or of another sweep,
     *         or a file cannot be written
     */
    static std::vector<LlmSweepRow> Merge(const std::string& dir, const std::string& identity = "");

    /**
     * @brief Mean and Student-t 95 % interval (Boost.Math) per (grid value, solver, setting):
     *        of T over the runs with a plan, of the simulated time and its ratio to T over the
     *        runs simulated with every token completed; the runs with failed tokens, the failed
     *        tokens and the runs without a plan are counted, not dropped.
     * @param rows run rows
     * @return the summary, sorted by solver, setting, then grid value
     */
    static std::vector<LlmSweepSummary> Summarize(const std::vector<LlmSweepRow>& rows);

    /**
     * @brief Warnings for people about merged rows, one line each (no program name): the
     *        simulated rows whose tokens failed (left out of the simulated means), and one line
     *        per distinct reason the solvers gave for finding no plan (from the plan messages
     *        Merge() reads back from the timing files).
     * @param rows rows, as Merge() returns them
     * @param maxReasons the most reason lines; more distinct reasons are counted in one line
     * @return the lines, each ending with a newline, or ""
     */
    static std::string Warnings(const std::vector<LlmSweepRow>& rows, std::size_t maxReasons = 10);

    /**
     * @brief Whether some row holds a plan (status optimal or feasible).
     * @param rows run rows
     * @return true if one does
     */
    static bool AnyPlan(const std::vector<LlmSweepRow>& rows);

    /**
     * @brief Write summary.csv, summary.json and the gnuplot figures, rendered to PNG when
     *        gnuplot is installed: <sweep>-objective (T vs the grid, one curve per solver),
     *        <sweep>-simulated (simulated time per solver and setting, beside the analytic T
     *        and the transfer-free compute floor) and <sweep>-ratio (simulated / analytic),
     *        with 95 % error bars.
     * @param dir output folder
     * @param summary the summary
     * @param kind swept quantity (file names, axis label)
     * @return a note for the user, one line per figure not rendered (e.g. "gnuplot not
     *         found"), or ""
     * @throws LlmInputError if a file cannot be written
     */
    static std::string WriteSummary(const std::string& dir,
                                    const std::vector<LlmSweepSummary>& summary,
                                    LlmSweepConfig::Kind kind);

    /**
     * @brief Merge(), Summarize() and WriteSummary() on a folder.
     * @param dir the output folder
     * @param kind swept quantity
     * @param note set to WriteSummary()'s note
     * @param identity as Merge()'s
     * @return for people: the summary table (ToText()) and where the files are
     * @throws LlmInputError as Merge() and WriteSummary()
     */
    static std::string MergeAndSummarize(const std::string& dir,
                                         LlmSweepConfig::Kind kind,
                                         std::string& note,
                                         const std::string& identity = "");

    /**
     * @brief The summary as a table for people: grid value, solver, setting, runs with a plan,
     *        runs with failed tokens, mean and interval of T and of the simulated time.
     * @param summary the summary
     * @return the text, a line per entry after a heading
     */
    static std::string ToText(const std::vector<LlmSweepSummary>& summary);
};

} // namespace ns3

#endif // LLM_SWEEP_REPORT_H
