// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_ILP_OUTCOME_H
#define LLM_ILP_OUTCOME_H

#include "llm-cost-model.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief What one GLPK formulation of the placement ILP (LlmLayeredIlp, LlmServerPathIlp)
 *        hands back to LlmIlpSolver, which turns it into a plan.
 */
struct LlmIlpOutcome
{
    /// How GLPK ended.
    enum class Status
    {
        OPTIMAL,    //!< Proven optimal (within the requested gap)
        FEASIBLE,   //!< A feasible placement, search stopped (time limit)
        INFEASIBLE, //!< GLPK proved that no placement exists
        STOPPED     //!< Stopped (time limit or GLPK error) without a placement of its own
    };

    Status status{Status::STOPPED}; //!< Outcome
    LlmPlacement placement;         //!< The placement found (OPTIMAL, FEASIBLE)
    double bound{-INFINITY};        //!< Best bound GLPK proved, s (−∞: none)
    bool outOfTime{false};          //!< The time limit stopped GLPK
    bool rootLpOnly{false};         //!< Stopped inside the root LP (no branch and cut yet)
    int glpkCode{0};                //!< glp_intopt's return code
    std::string phase;              //!< Stopped while building: where; INFEASIBLE before GLPK: why
    uint64_t nodes{0};              //!< Branch-and-bound nodes
    uint64_t rows{0};               //!< Rows handed to GLPK (lazy rows included)
    uint64_t columns{0};            //!< Columns handed to GLPK
    uint64_t columnsBeforePruning{0}; //!< Columns before the bound-based pruning
    uint64_t lazyRows{0};             //!< Rows added during the search (lazy constraints)
};

} // namespace ns3

#endif // LLM_ILP_OUTCOME_H
