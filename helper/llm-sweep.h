// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SWEEP_H
#define LLM_SWEEP_H

#include "llm-simulation.h"
#include "llm-transport-setting.h"
#include "ns3/llm-baseline-comparison.h"
#include "ns3/llm-joint-cost-model.h"
#include "ns3/llm-multi-scenario.h"
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
 * @brief Settings of a Monte Carlo sweep over min Ω or CCS (the DILEMMA paper's Figs. 5, 6), the
 *        servers' failure rate, or the number of LLMs sharing the servers.
 */
struct LlmSweepConfig
{
    /// What the grid varies.
    enum Kind
    {
        OMEGA,    //!< min Ω: every Ω_ij ~ U[g, 10 g] (the paper's draw), bit/s
        CCS,      //!< min CCS: every edge CCS_i ~ U[g, 2 g], Hz (cloud unchanged)
        FAILURES, //!< Failure rate g per server and hour: each server fails after an
                  //!< exponential time of mean 3600 / g s and stays down (g = 0: none)
        MODELS    //!< Number of LLMs g sharing the servers (copies of the base model, jointly
                  //!< placed), every D2D Ω_ij ~ U[Ω̲, 10 Ω̲], Ω̲ the base's smallest D2D Ω
    };

    Kind kind{OMEGA};         //!< Swept quantity
    std::vector<double> grid; //!< Grid values g
    uint32_t runs{10};        //!< Monte Carlo runs per grid value
    /// Solvers compared in every run: the ILP and the baselines by default; for MODELS, joint
    /// solvers (LlmJointSolver::Names(), default joint-ilp and sequential)
    std::vector<std::string> solvers = LlmBaselineComparison::DefaultSolvers();
    /// What the joint placement minimizes (MODELS only)
    LlmJointObjective jointObjective{LlmJointObjective::MAX};
    LlmSolverOptions solverOptions; //!< Solver options
    bool simulate{true};            //!< Also run each plan in ns-3
    /// Simulate every solver's plan (false: only the first solver's; the others are solved,
    /// their analytic T drawn beside it, at a fraction of the time)
    bool simulateBaselines{false};

    /**
     * @brief Whether the k-th solver's plans are simulated.
     * @param k index in solvers
     * @return simulate, and k = 0 or simulateBaselines
     */
    bool Simulates(std::size_t k) const { return simulate && (k == 0 || simulateBaselines); }
    std::vector<LlmTransportSetting> settings{LlmTransportSetting{}}; //!< Simulated settings

    /**
     * @brief The kind a name stands for.
     * @param name "omega", "ccs", "failures" or "models"
     * @return the kind
     * @throws LlmInputError (naming --sweep) on another name
     */
    static Kind KindFromString(const std::string& name);

    /**
     * @brief The name of a kind, as file names and --sweep use it.
     * @param kind the kind
     * @return "omega", "ccs", "failures" or "models"
     */
    static std::string KindToString(Kind kind);

    /**
     * @brief The solvers a sweep of this kind compares when --solvers is not given.
     * @param kind the swept quantity
     * @return joint-ilp and sequential for MODELS, else the ILP and the baselines
     */
    static std::vector<std::string> DefaultSolvers(Kind kind);

    /**
     * @brief The default grid: 1e6 ... 1e10 bit/s in half decades (rounded to whole bit/s) for
     *        Ω, 0.5, 1, 2, 4, 8 GHz for CCS, 0, 0.05, 0.1, 0.2, 0.4 failures per server-hour,
     *        1, 2, 4, 8 models.
     * @param kind the swept quantity
     * @return the grid values
     */
    static std::vector<double> DefaultGrid(Kind kind);

    /**
     * @brief The grid of --grid, strictly: comma-separated finite positive numbers (failure
     *        rates may be 0; numbers of models are whole numbers 1 ... MAX_MODELS).
     * @param text the text (empty: the default grid)
     * @param kind the swept quantity (for the default grid and the range)
     * @return the grid values
     * @throws LlmInputError (naming --grid) on an empty item, a bad number or a repeated one
     */
    static std::vector<double> GridFromString(const std::string& text, Kind kind);
};

/**
 * @ingroup edge-llm
 * @brief One (grid value, run, solver, setting) result of a sweep. LlmSweepReport reads and
 *        writes it as CSV.
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
    uint32_t replans{0};         //!< Re-plans after server failures (FAILURES)
    double replaySeconds{0};     //!< Simulated time spent replaying KV state, s (FAILURES)
    double solveSeconds{0};      //!< Solver wall time (kept out of the repeatable CSV)
    double simulateSeconds{0};   //!< Simulation wall time (kept out of the repeatable CSV)
    std::string message;         //!< The plan's message, e.g. why there is no plan (timing)
};

/**
 * @ingroup edge-llm
 * @brief The runs of a sweep: run index i draws its scenario, solves it with every solver and
 *        simulates each plan in every transport setting (LlmSimulation).
 *
 * Run index i covers grid value i / runs and run k = i % runs + 1; the draws come from an ns-3
 * UniformRandomVariable under RngRun = k, so every grid value sees the same random pattern
 * scaled (common random numbers) and a run repeats exactly. ns-3 has one simulator per process,
 * so a program runs the indices one after the other, or one process per index
 * (LlmProcessPool); LlmSweepReport merges, summarizes and plots their rows.
 */
class LlmSweep
{
  public:
    /**
     * @brief Build a sweep.
     * @param base the scenario whose Ω or CCS are redrawn
     * @param config the sweep settings
     * @throws LlmInputError on an empty or non-positive grid, no run, an unknown solver, no
     *         setting, an invalid setting or two settings of one name
     */
    LlmSweep(const LlmScenario& base, const LlmSweepConfig& config);

    /// @return grid.size() · runs
    std::size_t GetNRuns() const;

    /// @return the rows of one run index: solvers × settings (× 1 without simulation)
    std::size_t GetRowsPerRun() const;

    /**
     * @brief What makes this sweep's rows: the kind, grid, runs, solvers and the solver
     *        options that change plans, whether it simulates, every setting, and an FNV-1a
     *        hash of the base scenario (its JSON, the model expanded). Part files carry it, so
     *        that a resume or a merge never takes another sweep's rows.
     * @return one line of JSON (no newline), the same for the same sweep in any process
     */
    std::string Describe() const;

    /// @return the settings
    const LlmSweepConfig& GetConfig() const;

    /**
     * @brief Write output files (pcap, FlowMonitor XML, token CSV, ...) for one run index: the
     *        simulation of the first solver's plan in the first setting.
     * @param index the run index
     * @param outputs the files
     * @throws LlmInputError if the index is out of range, the sweep does not simulate or no
     *         file is given
     */
    void SetOutputs(std::size_t index, const LlmSimulationOutputs& outputs);

    /**
     * @brief The scenario of run index i (its draw).
     * @param index run index
     * @return the scenario
     */
    LlmScenario DrawScenario(std::size_t index) const;

    /**
     * @brief The several-model scenario of run index i of a MODELS sweep: g copies of the base
     *        model (named after it, "-1" ... "-g"), each with the base's workload, δ, user and
     *        one request at 0 s, on the drawn servers and links (DrawScenario).
     * @param index run index
     * @return the scenario
     * @throws LlmInputError if the sweep is not a MODELS sweep
     */
    LlmMultiScenario DrawMultiScenario(std::size_t index) const;

    /**
     * @brief The failures of run index i of a FAILURES sweep: every server (LlmFailureSchedule::
     *        Random) fails after an exponential time of mean 3600 / g s, seed = the run k (the
     *        same draws scaled at every g: common random numbers), and stays down.
     * @param index run index
     * @return the schedule (empty at g = 0)
     * @throws LlmInputError if the sweep is not a FAILURES sweep
     */
    LlmFailureSchedule DrawFailures(std::size_t index) const;

    /**
     * @brief Solve run index i with every solver and simulate each plan in every setting.
     * @param index run index
     * @return one row per solver and setting
     */
    std::vector<LlmSweepRow> Run(std::size_t index) const;

  private:
    /**
     * @brief Run index i of a MODELS sweep: joint placement with every joint solver, each plan
     *        simulated (LlmMultiSimulation) in every setting. A row's objective is the joint J,
     *        its simulated time the last model's completion, its compute floor the largest
     *        Σ cp of one model.
     * @param index run index
     * @return one row per solver and setting
     */
    std::vector<LlmSweepRow> RunModels(std::size_t index) const;

    LlmScenario m_base;                      //!< Base scenario
    LlmSweepConfig m_config;                 //!< Settings
    double m_minD2dBps{0};                   //!< The base's smallest D2D Ω (MODELS draws)
    std::optional<std::size_t> m_outputsRun; //!< Run index that writes m_outputs
    LlmSimulationOutputs m_outputs;          //!< Files of that run
};

} // namespace ns3

#endif // LLM_SWEEP_H
