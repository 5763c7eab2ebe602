// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_INCUMBENT_SEARCH_H
#define LLM_INCUMBENT_SEARCH_H

#include "llm-cost-model.h"
#include "llm-layered-graph.h"
#include "llm-placement-solver.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Incumbent search on a layered graph: multi-start greedy, repair and local search
 *        (relocate a layer to another server, swap the servers of two layers) under (2d) and
 *        summed (2e).
 *
 * Every step stops at the deadline of the current phase (SetDeadline) and keeps what it has: a
 * construction cut short is dropped, a local search cut short keeps its (feasible) moves.
 *
 * Internal to the module (not installed): LlmIlpSolver is the public interface.
 */
class LlmIncumbentSearch
{
  public:
    /**
     * @brief Prepare the search; no incumbent yet.
     * @param g the layered graph (bit widths fixed); it must outlive the search
     * @param model the cost model the graph was built from (capacities, 2d)
     */
    LlmIncumbentSearch(const LlmLayeredGraph& g, const LlmCostModel& model);

    /**
     * @brief Bound every later step by this deadline.
     * @param deadline the deadline (not null); it must outlive its use
     */
    void SetDeadline(const LlmSolverDeadline* deadline);

    /**
     * @brief Offer a path (any, possibly infeasible): repair, improve, keep if best.
     * @param path a server per layer
     */
    void Offer(std::vector<std::size_t> path);

    /**
     * @brief Greedy construction from every first server, local search on the best few.
     */
    void MultiStart();

    /**
     * @brief Whether a path meets (2d), summed (2e) and has a finite cost.
     * @param path a server per layer
     * @return true if the path is a feasible placement
     */
    bool Feasible(const std::vector<std::size_t>& path) const;

    /**
     * @brief The cost of the best feasible path found.
     * @return the cost, s (+∞: none found yet)
     */
    double BestCost() const;

    /**
     * @brief The best feasible path found.
     * @return a server per layer (empty: none found yet)
     */
    const std::vector<std::size_t>& Best() const;

  private:
    /**
     * Keep a path if it is feasible and cheaper than the best.
     * @param path a server per layer
     * @param cost its cost, s
     */
    void Keep(const std::vector<std::size_t>& path, double cost);

    /**
     * Cheapest admissible server for layer l after `prev` (and before `next`, if any).
     * @param l the layer
     * @param path the path (path[l − 1] and, if hasNext, path[l + 1] are used)
     * @param hasNext whether path[l + 1] is set
     * @param count layers per server so far
     * @param used storage per server so far, bytes
     * @param choice receives the server
     * @return true if an admissible server exists
     */
    bool Choose(std::size_t l,
                const std::vector<std::size_t>& path,
                bool hasNext,
                const std::vector<uint32_t>& count,
                const std::vector<double>& used,
                std::size_t& choice) const;

    /**
     * Greedy construction from a first server.
     * @param s0 the server of layer 0
     * @param path receives the path
     * @return true if a complete path was built
     */
    bool Construct(std::size_t s0, std::vector<std::size_t>& path) const;

    /**
     * Move layers off over-full servers, in layer order.
     * @param path the path, repaired in place
     * @return true if the repaired path has a finite cost
     */
    bool Repair(std::vector<std::size_t>& path) const;

    /**
     * Sum of the node terms at layers a and b and the edge terms touching them.
     * @param s the path
     * @param a a layer
     * @param b a layer (a ≤ b)
     * @return the sum, s
     */
    double Terms(const std::vector<std::size_t>& s, std::size_t a, std::size_t b) const;

    /**
     * Relocate and swap moves until no move improves (or the deadline).
     * @param s a feasible path, improved in place
     * @param cost its cost, updated
     */
    void LocalSearch(std::vector<std::size_t>& s, double& cost) const;

    const LlmLayeredGraph& m_g;                   //!< The graph
    std::size_t m_nl;                             //!< L
    std::size_t m_ns;                             //!< N
    uint32_t m_maxLayers;                         //!< K of (2d) (UINT32_MAX: none)
    std::vector<double> m_cap;                    //!< κ_i with a relative tolerance
    std::vector<std::size_t> m_best;              //!< Best feasible path
    double m_bestCost{INFINITY};                  //!< Its cost, s
    const LlmSolverDeadline* m_deadline{nullptr}; //!< Deadline of the current phase
};

} // namespace ns3

#endif // LLM_INCUMBENT_SEARCH_H
