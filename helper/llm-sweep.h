// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SWEEP_H
#define LLM_SWEEP_H

#include "llm-transport-setting.h"

#include "ns3/llm-placement-solver.h"
#include "ns3/llm-scenario.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Settings of a Monte Carlo sweep over min Ω or CCS (the DILEMMA paper's Figs. 5, 6).
 */
struct LlmSweepConfig
{
    /// What the grid varies.
    enum Kind
    {
        OMEGA, //!< min Ω: every Ω_ij ~ U[g, 10 g] (the paper's draw), bit/s
        CCS    //!< min CCS: every edge CCS_i ~ U[g, 2 g], Hz (cloud unchanged)
    };

    Kind kind{OMEGA};                        //!< Swept quantity
    std::vector<double> grid;                //!< Grid values g
    uint32_t runs{10};                       //!< Monte Carlo runs per grid value
    std::vector<std::string> solvers{"ilp"}; //!< Solvers compared in every run
    LlmSolverOptions solverOptions;          //!< Solver options
    bool simulate{true};                     //!< Also run each plan in ns-3
    std::vector<LlmTransportSetting> settings{LlmTransportSetting{}}; //!< Simulated settings
};

/**
 * @ingroup edge-llm
 * @brief One (grid value, run, solver) result of a sweep.
 */
struct LlmSweepRow
{
    double gridValue{0};         //!< g
    uint32_t run{0};             //!< Run k (ns-3 RngRun = k)
    std::string solver;          //!< Solver name
    std::string setting;         //!< Transport setting ("-" when not simulated)
    std::string status;          //!< Solver status
    double objective{0};         //!< Analytic T, s (0 without a plan)
    double simulated{0};         //!< Simulated completion, s (0 if not simulated)
    double computeBound{0};      //!< Σ cp of the plan: no run can finish faster, s
    double quantizationRatio{0}; //!< Percent
    double gap{0};               //!< Proven relative gap of the plan (0: optimal)
    uint64_t bytes{0};           //!< Bytes sent (FlowMonitor)
    uint64_t drops{0};           //!< Packets dropped: loss, full queues, Wi-Fi retry limit
    uint64_t tokensCompleted{0}; //!< Tokens completed
    uint64_t tokensFailed{0};    //!< Tokens failed
    double solveSeconds{0};      //!< Solver wall time (kept out of the repeatable CSV)
    double simulateSeconds{0};   //!< Simulation wall time (kept out of the repeatable CSV)
};

/**
 * @ingroup edge-llm
 * @brief Mean and 95 % confidence interval of one (grid value, solver).
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
 * @brief Runs a sweep's runs one by one (a process per run or per worker: ns-3 has one
 *        simulator per process), reads and writes its CSV files, summarizes and plots.
 *
 * Run index i covers grid value i / runs and run k = i % runs + 1; the draws come from an ns-3
 * UniformRandomVariable under RngRun = k, so every grid value sees the same random pattern
 * scaled (common random numbers) and a run repeats exactly.
 */
class LlmSweep
{
  public:
    /**
     * @brief Build a sweep.
     * @param base the scenario whose Ω or CCS are redrawn
     * @param config the sweep settings
     */
    LlmSweep(const LlmScenario& base, const LlmSweepConfig& config);

    /// @return grid.size() · runs
    std::size_t GetNRuns() const;

    /**
     * @brief The scenario of run index i (its draw).
     * @param index run index
     * @return the scenario
     */
    LlmScenario DrawScenario(std::size_t index) const;

    /**
     * @brief Solve run index i with every solver and simulate each plan in every setting.
     * @param index run index
     * @return one row per solver and setting
     */
    std::vector<LlmSweepRow> Run(std::size_t index) const;

    /// @return the CSV header line of the run rows
    static std::string CsvHeader();
    /**
     * @brief A row as a CSV line (without solve time, so that a run repeats byte for byte).
     * @param row the row
     * @return the line
     */
    static std::string ToCsv(const LlmSweepRow& row);
    /**
     * @brief Read run rows from CSV files.
     * @param paths the files
     * @return the rows, sorted by grid value, run, solver and setting
     * @throws LlmInputError on a malformed file
     */
    static std::vector<LlmSweepRow> ReadCsv(const std::vector<std::string>& paths);

    /**
     * @brief Mean and Student-t 95 % interval per (grid value, solver, setting).
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
     * @param kind swept quantity (axis label and log scale)
     * @return a note for the user (e.g. "gnuplot not found")
     */
    static std::string WriteSummary(const std::string& dir,
                                    const std::vector<LlmSweepSummary>& summary,
                                    LlmSweepConfig::Kind kind);

  private:
    /**
     * @brief Simulate a plan in one setting, filling the row's simulated fields.
     * @param s the run's scenario
     * @param plan the plan
     * @param setting the transport setting
     * @param row the row to fill
     */
    void Simulate(const LlmScenario& s,
                  const LlmPlan& plan,
                  const LlmTransportSetting& setting,
                  LlmSweepRow& row) const;

    LlmScenario m_base;      //!< Base scenario
    LlmSweepConfig m_config; //!< Settings
};

} // namespace ns3

#endif // LLM_SWEEP_H
