// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_REPLACEMENT_POLICY_H
#define LLM_REPLACEMENT_POLICY_H

#include "llm-cost-model.h"
#include "llm-placement-solver.h"
#include "llm-scenario.h"

#include <cstdint>
#include <string>

namespace ns3
{

class LlmLinkTrace;

/**
 * @ingroup edge-llm
 * @brief When a running placement is re-solved and its layers migrated while Ω_ij changes
 *        (simulator-free: the simulation asks it at every check and pays for what it decides).
 *
 * At a check at time t the policy rebuilds the scenario with Ω_ij(t) (ScenarioAt), costs the
 * running placement under it (T_cur, eq. 1 with today's rates) and, when the kind asks for it,
 * re-solves with the same solver (T_best). Moving costs the weights of every layer whose server
 * or bits change: p_l · b_l / 8 bytes sent from the server that holds it to its new server
 * (transfers between different server pairs run in parallel, those of one pair one after the
 * other), M seconds (MigrationSeconds). A migration is worth it when what it saves over the
 * rest of the run exceeds what it costs: (T_cur − T_best) · f > M, with f the fraction of the
 * run's tokens still to come (T counts the n tokens of a request).
 *
 * - NEVER: never re-solves (the static run).
 * - PERIODIC: re-solves at every check and migrates whenever the new plan is strictly better
 *   and worth its migration.
 * - THRESHOLD: migrates when T_cur > (1 + θ) · T_best and it is worth its migration, and only
 *   after the condition held at `confirmations` consecutive checks and at least `dwell` seconds
 *   after the last migration: the hysteresis against flapping between two plans whose costs
 *   cross back and forth.
 */
class LlmReplacementPolicy
{
  public:
    /// The policy's kind.
    enum class Kind
    {
        NEVER,     //!< The static placement
        PERIODIC,  //!< Re-solve every period
        THRESHOLD, //!< Re-solve every period, migrate beyond a threshold, with hysteresis
    };

    /// The policy's parameters.
    struct Config
    {
        Kind kind{Kind::NEVER};    //!< Kind
        double periodSeconds{10};  //!< Time between checks, s (> 0)
        double threshold{0.1};     //!< θ: relative excess of T_cur over T_best (THRESHOLD)
        uint32_t confirmations{2}; //!< Consecutive checks the excess must hold (THRESHOLD, ≥ 1)
        double dwellSeconds{30};   //!< Least time between two migrations, s (THRESHOLD)
    };

    /// What one check decided.
    struct Decision
    {
        bool migrate{false};        //!< Move to `plan`
        LlmPlan plan;               //!< The re-solved plan (when one was solved)
        bool solved{false};         //!< The check re-solved
        double currentSeconds{0};   //!< T_cur: the running placement under Ω(t), s
        double bestSeconds{0};      //!< T_best: the re-solved plan under Ω(t), s (0: unsolved)
        double migrationSeconds{0}; //!< M: weight transfer time of the move, s
        double replaySeconds{0};    //!< R: rebuilding the KV caches on the new plan, s
        uint64_t migrationBytes{0}; //!< Weight bytes the move sends
        uint32_t layersMoved{0};    //!< Layers whose server or bits change
        std::string reason;         //!< Why (not) migrate, for the log and the run report
    };

    /**
     * @brief Parse "never", "periodic:PERIOD" or "threshold:PERIOD:THETA[:CONFIRMATIONS[:DWELL]]".
     * @param text the option value
     * @param source the option name for error messages (e.g. "--replace")
     * @return the configuration
     * @throws LlmInputError naming the option, the field and what was expected
     */
    static Config Parse(const std::string& text, const std::string& source);

    /**
     * @brief Construct.
     * @param config the parameters
     * @param solver the solver that re-solves (the run's own); must outlive the policy
     */
    LlmReplacementPolicy(const Config& config, const LlmPlacementSolver& solver);

    /**
     * @brief One check.
     * @param now the simulated time, s
     * @param current the scenario with Ω_ij(now) (ScenarioAt)
     * @param running the running placement
     * @param remainingFraction f: share of the run's tokens still to come, in [0, 1]
     * @param replayShare ρ: the tokens a switch now would replay (the unfinished requests'
     *        tokens already generated) over n. A switch rebuilds their KV caches on the new
     *        servers by running them through the new pipeline, R = ρ · T_best (eq. 1 charges a
     *        replayed token what it charges a generated one); a move is worth it only when its
     *        saving exceeds M + R
     * @return the decision; after a migration the caller runs the new plan
     */
    Decision Check(double now,
                   const LlmScenario& current,
                   const LlmPlacement& running,
                   double remainingFraction,
                   double replayShare = 0);

    /**
     * @brief The scenario with every traced link at its rate at time t.
     * @param scenario the static scenario
     * @param trace the link trace
     * @param t time, s
     * @return the scenario with Ω_ij(t)
     */
    static LlmScenario ScenarioAt(const LlmScenario& scenario, const LlmLinkTrace& trace, double t);

    /**
     * @brief M: the time to move the weights from one placement to another under a scenario's
     *        rates (transfers of different server pairs in parallel, of one pair in sequence,
     *        each paying its link's propagation delay once).
     * @param model the cost model of the scenario at the time of the move
     * @param from the running placement
     * @param to the new placement
     * @param bytes set to the bytes moved (may be null)
     * @param layers set to the layers moved (may be null)
     * @return seconds; LlmCostModel::INFEASIBLE if a moved layer's two servers have no link
     */
    static double MigrationSeconds(const LlmCostModel& model,
                                   const LlmPlacement& from,
                                   const LlmPlacement& to,
                                   uint64_t* bytes = nullptr,
                                   uint32_t* layers = nullptr);

    /// @return the configuration
    const Config& GetConfig() const { return m_config; }

    /// @return a name: never, periodic or threshold
    static std::string ToString(Kind kind);

  private:
    Config m_config;                    //!< Parameters
    const LlmPlacementSolver& m_solver; //!< The run's solver
    uint32_t m_streak{0};               //!< Consecutive checks with the excess (THRESHOLD)
    double m_lastMigration{-1e300};     //!< Time of the last migration, s
};

} // namespace ns3

#endif // LLM_REPLACEMENT_POLICY_H
