// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_LAYERED_GRAPH_H
#define LLM_LAYERED_GRAPH_H

#include "llm-cost-model.h"
#include "llm-placement-solver.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The placement problem with fixed bit widths as a layered graph.
 *
 * Node (l, i) is "layer l on server i" with cost cp(l, i, b_l), or +∞ when layer l alone does
 * not fit in κ_i (2e). Edge (l, i) → (l+1, j) costs cm(l, i, j, b_l), +∞ without a link i → j
 * (2f); i = j costs 0 when a server may hold two layers, +∞ under one layer per server (2d).
 * A path through the L layers is a placement; without (2d) and summed (2e) the cheapest path is
 * the optimum. With node penalties π_i (added to every node of server i) and storage prices
 * ν_i (ν_i · storage of the layer) the same shortest path evaluates the Lagrangian relaxation of
 * (2d) and (2e). Computation only: O(L · N²) per shortest path, which stops at a deadline;
 * memory O(L · N) (the callers check LlmPlacementSolver::MAX_PAIRS first).
 */
class LlmLayeredGraph
{
  public:
    /**
     * @brief Build the graph.
     * @param model the cost model
     * @param bits b_l for every layer (each must be > 0)
     */
    LlmLayeredGraph(const LlmCostModel& model, std::vector<uint32_t> bits);

    /// @return L
    std::size_t GetNLayers() const { return m_nLayers; }

    /// @return N
    std::size_t GetNServers() const { return m_nServers; }

    /// @return true if consecutive layers may share a server (2d allows two or more)
    bool SameServerAllowed() const { return m_sameServerAllowed; }

    /// @return b_l per layer
    const std::vector<uint32_t>& GetBits() const { return m_bits; }

    /**
     * @brief Node cost cp(l, i, b_l).
     * @param l layer
     * @param i server
     * @return seconds, +∞ if the layer does not fit on the server
     */
    double Node(std::size_t l, std::size_t i) const { return m_node[l * m_nServers + i]; }

    /**
     * @brief Edge cost cm(l, i, j, b_l).
     * @param l layer (0 ≤ l < L−1)
     * @param i server of l
     * @param j server of l+1
     * @return seconds, +∞ if not allowed
     */
    double Edge(std::size_t l, std::size_t i, std::size_t j) const
    {
        if (i == j)
        {
            return m_sameServerAllowed ? 0.0 : INF;
        }
        const double inv = m_invBps[i * m_nServers + j];
        return inv > 0 ? m_outputBits[l] * inv : INF;
    }

    /**
     * @brief Output size of layer l at b_l for the whole workload: n · β · e_l · b_l.
     * @param l layer
     * @return bits (Edge(l, i, j) = this / Ω_ij)
     */
    double OutputBits(std::size_t l) const { return m_outputBits[l]; }

    /**
     * @brief Storage of layer l at b_l.
     * @param l layer
     * @return bytes
     */
    double Storage(std::size_t l) const { return m_storage[l]; }

    /**
     * @brief Shortest path with Lagrangian prices.
     * @param penalty π_i per server (empty: none)
     * @param storagePrice ν_i per server (empty: none)
     * @param forward if not null, receives F(l, i): cheapest prefix ending at (l, i), its node
     *        cost included
     * @param backward if not null, receives G(l, i): cheapest suffix after (l, i), its node
     *        cost excluded
     * @param path receives the server of each layer on a cheapest path
     * @param deadline checked once per layer; may be null
     * @return the path cost with prices (+∞ if no path), NaN if the deadline passed first (then
     *         path, forward and backward are incomplete)
     */
    double ShortestPath(const std::vector<double>& penalty,
                        const std::vector<double>& storagePrice,
                        std::vector<double>* forward,
                        std::vector<double>* backward,
                        std::vector<std::size_t>& path,
                        const LlmSolverDeadline* deadline = nullptr) const;

    /**
     * @brief Priced node cost.
     * @param l layer
     * @param i server
     * @param penalty π (may be empty)
     * @param storagePrice ν (may be empty)
     * @return Node(l, i) + π_i + ν_i · Storage(l)
     */
    double PricedNode(std::size_t l,
                      std::size_t i,
                      const std::vector<double>& penalty,
                      const std::vector<double>& storagePrice) const
    {
        double c = Node(l, i);
        if (!penalty.empty())
        {
            c += penalty[i];
        }
        if (!storagePrice.empty())
        {
            c += storagePrice[i] * m_storage[l];
        }
        return c;
    }

    /**
     * @brief The placement of a path.
     * @param path server per layer
     * @return assignments with the graph's bits
     */
    LlmPlacement ToPlacement(const std::vector<std::size_t>& path) const;

    /**
     * @brief Cost of a path without prices (T, eq. 1).
     * @param path server per layer
     * @return seconds (+∞ if a node or edge is not allowed)
     */
    double PathCost(const std::vector<std::size_t>& path) const;

    static constexpr double INF = LlmCostModel::INFEASIBLE; //!< Not allowed

  private:
    std::size_t m_nLayers;            //!< L
    std::size_t m_nServers;           //!< N
    std::vector<uint32_t> m_bits;     //!< b_l
    std::vector<double> m_node;       //!< cp, L × N
    std::vector<double> m_invBps;     //!< 1/Ω_ij, N × N (0: no link)
    std::vector<double> m_outputBits; //!< n · β · e_l · b_l
    std::vector<double> m_storage;    //!< p_l · b_l / 8
    bool m_sameServerAllowed;         //!< More than one layer per server allowed (2d)
};

} // namespace ns3

#endif // LLM_LAYERED_GRAPH_H
