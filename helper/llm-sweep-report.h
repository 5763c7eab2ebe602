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
    uint32_t runs{0};           //!< Runs with a plan
    double objectiveMean{0};    //!< Mean analytic T, s
    double objectiveCi95{0};    //!< Half-width of the 95 % Student-t interval, s
    double simulatedMean{0};    //!< Mean simulated completion, s
    double simulatedCi95{0};    //!< Half-width, s
    double computeBoundMean{0}; //!< Mean Σ cp of the plans: the transfer-free floor, s
    double ratioMean{0};        //!< Mean of simulated / analytic T, run by run
    double ratioCi95{0};        //!< Half-width of its 95 % interval
};

/**
 * @ingroup edge-llm
 * @brief The files of a sweep: the CSV schema of its rows, the part files each run index
 *        writes, their merge into runs.csv and timing.csv, the Student-t summary and the
 *        gnuplot figures.
 *
 * A run index writes part-run-<i>.csv (its rows, repeatable byte for byte) and
 * timing-run-<i>.txt (its wall times) into the output folder; Merge() collects every part file
 * of the folder, in whatever order and from whatever machine they came.
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
     * @brief A row's wall times as a timing.csv line.
     * @param row the row
     * @return the line, without the newline
     */
    static std::string ToTimingCsv(const LlmSweepRow& row);

    /**
     * @brief Write the part files of one run index: part-run-<i>.csv and timing-run-<i>.txt,
     *        each written whole under a temporary name first, so that a merge never reads half
     *        a run.
     * @param dir the output folder
     * @param index the run index
     * @param rows its rows
     * @throws LlmInputError if a file cannot be written
     */
    static void WritePart(const std::string& dir,
                          std::size_t index,
                          const std::vector<LlmSweepRow>& rows);
    /**
     * @brief Remove the part files of an earlier sweep from a folder.
     * @param dir the output folder
     */
    static void ClearParts(const std::string& dir);
    /**
     * @brief Merge the part files of a folder into runs.csv (header, then the rows sorted by
     *        grid value, run, solver and setting) and timing.csv.
     * @param dir the output folder
     * @return the rows
     * @throws LlmInputError if there is no part file, one is malformed or a file cannot be
     *         written
     */
    static std::vector<LlmSweepRow> Merge(const std::string& dir);

    /**
     * @brief Mean and Student-t 95 % interval (Boost.Math) per (grid value, solver, setting),
     *        over the rows with a plan.
     * @param rows run rows
     * @return the summary, sorted by solver, setting, then grid value
     */
    static std::vector<LlmSweepSummary> Summarize(const std::vector<LlmSweepRow>& rows);

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
     * @return for people: the summary table (ToText()) and where the files are
     * @throws LlmInputError as Merge() and WriteSummary()
     */
    static std::string MergeAndSummarize(const std::string& dir,
                                         LlmSweepConfig::Kind kind,
                                         std::string& note);

    /**
     * @brief The summary as a table for people: grid value, solver, setting, runs, mean and
     *        interval of T and of the simulated time.
     * @param summary the summary
     * @return the text, a line per entry after a heading
     */
    static std::string ToText(const std::vector<LlmSweepSummary>& summary);
};

} // namespace ns3

#endif // LLM_SWEEP_REPORT_H
