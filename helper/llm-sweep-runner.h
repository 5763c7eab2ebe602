// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SWEEP_RUNNER_H
#define LLM_SWEEP_RUNNER_H

#include "llm-process-pool.h"
#include "llm-simulation.h"
#include "llm-sweep.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Runs a sweep (LlmSweep) into an output folder the way the edge-llm-sweep program
 *        does: every run index in a worker process of its own (LlmProcessPool), resumed from
 *        the part files already there; one run index; a run list for a cluster; the merge,
 *        summary, figures and warnings (LlmSweepReport).
 *
 * Each mode returns the program's exit code and prints what the program prints, every line
 * of standard error starting with "edge-llm-sweep: ". Errors in the input (an option, the
 * folder) are thrown as LlmInputError, for the program to print.
 *
 * @code
 *   LlmSweepRunner runner(LlmSweep(scenario, config), "out", 4, false);
 *   runner.PrepareOutputDir(true);
 *   return runner.RunAll(LlmProcessPool::Command(argv, argv + argc));
 * @endcode
 */
class LlmSweepRunner
{
  public:
    /**
     * @brief A runner of a sweep into a folder.
     * @param sweep the sweep (copied)
     * @param outputDir the folder of the part files and results
     * @param jobs worker processes at a time, at least 1
     * @param quiet no progress and no figure notes on standard error
     * @throws LlmInputError if jobs is 0
     */
    LlmSweepRunner(const LlmSweep& sweep, const std::string& outputDir, uint32_t jobs, bool quiet);

    /// @return the sweep (with the outputs SetOutputsRun() asked for)
    const LlmSweep& GetSweep() const;

    /**
     * @brief Check the output folder: one this process can write, created if asked to.
     * @param create create it (and its parents) if it does not exist
     * @throws LlmInputError naming --output-dir otherwise
     */
    void PrepareOutputDir(bool create) const;

    /**
     * @brief --outputs-run: write the output files (--pcap, --flowmon-xml, ...) of one run
     *        index (LlmSweep::SetOutputs()); that run index runs again in RunAll() even if it
     *        is done. Nothing when neither the run index nor a file is given.
     * @param outputsRun the run index, as given ("": none)
     * @param outputs the files
     * @throws LlmInputError naming --outputs-run if it is not a run index of the sweep (or
     *         missing while a file is given), as LlmSweep::SetOutputs() otherwise
     */
    void SetOutputsRun(const std::string& outputsRun, const LlmSimulationOutputs& outputs);

    /**
     * @brief --merge: merge the part files of the folder, then Report(). Refuses a part file of
     *        another sweep (naming the field that differs, the edge-llm version included) or a
     *        truncated or corrupt one (naming it), and missing run indices (listing them) unless
     *        allowMissing, when the summary counts them (runs_missing) and says so.
     * @param allowMissing --allow-missing: summarize the runs that have a part file
     * @return Report()'s exit code
     * @throws LlmInputError as above, and as LlmSweepReport::ScanParts() and Merge()
     */
    int Merge(bool allowMissing) const;

    /**
     * @brief Merge the part files of the folder into runs.csv and timing.csv, write the
     *        summary and figures, print the summary table on standard output and the warnings
     *        (failed tokens, reasons for no plan) on standard error.
     * @param missing the run indices without a part file (a merge with --allow-missing)
     * @return 0, or 2 when no run has a plan
     * @throws LlmInputError as LlmSweepReport::Merge() and WriteSummary()
     */
    int Report(const std::vector<std::size_t>& missing = {}) const;

    /**
     * @brief --write-run-list: write runs.txt into the folder, the command of each run index:
     *        the program's own command without --write-run-list, with --run-index=i.
     * @param self the program's argument vector (argv[0] ... argv[argc − 1])
     * @return 0
     * @throws LlmInputError if the file cannot be written
     */
    int WriteRunList(const LlmProcessPool::Command& self) const;

    /**
     * @brief --run-index: run one run index into its part files, or with --save-scenario
     *        write its drawn scenario instead.
     * @param runIndex the run index, as given
     * @param saveScenario the scenario file ("": run)
     * @return 0
     * @throws LlmInputError naming --save-scenario without a run index, --run-index out of
     *         range, or as the run and the files
     */
    int RunOne(const std::string& runIndex, const std::string& saveScenario = "") const;

    /**
     * @brief The sweep: keep the whole part files of this sweep (a rerun resumes), remove
     *        those of another one, run each missing run index in a worker process of its own
     *        (the program again, with --run-index=i --quiet=1), then Report().
     *
     * A SIGINT or SIGTERM stops the workers (LlmProcessPool::CatchStopSignals()), keeps the
     * finished part files and says how many runs are missing.
     * @param self the program's argument vector (argv[0] ... argv[argc − 1])
     * @return Report()'s exit code; 1 if a run failed; 128 + the signal if stopped
     * @throws LlmInputError as ScanParts(), RemoveParts() and Report()
     */
    int RunAll(const LlmProcessPool::Command& self) const;

  private:
    LlmSweep m_sweep;                      //!< The sweep
    std::string m_outputDir;               //!< Output folder
    LlmProcessPool m_pool;                 //!< Worker processes
    bool m_quiet;                          //!< No progress, no notes
    std::optional<std::size_t> m_filesRun; //!< The run index that writes the output files
};

} // namespace ns3

#endif // LLM_SWEEP_RUNNER_H
