// SPDX-License-Identifier: GPL-2.0-only

#include "llm-lagrangian-bound.h"

#include <algorithm>
#include <cmath>

namespace ns3
{

LlmLagrangianBound
LlmLagrangianBound::Optimize(const LlmLayeredGraph& g,
                             const LlmCostModel& model,
                             LlmIncumbentSearch& incumbent,
                             const LlmSolverDeadline& deadline,
                             double budget)
{
    const LlmSolverDeadline phase = deadline.Within(budget);
    auto offer = [&](const std::vector<std::size_t>& p) {
        const LlmSolverDeadline search = phase.Within(0.1 * budget);
        incumbent.SetDeadline(&search);
        incumbent.Offer(p);
        incumbent.SetDeadline(&deadline);
    };
    const std::size_t nl = g.GetNLayers();
    const std::size_t ns = g.GetNServers();
    const auto k = model.GetScenario().GetMaxLayersPerServer();
    const bool relaxCount = k && *k < nl;
    bool relaxStorage = false;
    if (!k || *k > 1) // with one layer per server, per-layer storage is all of (2e)
    {
        for (std::size_t i = 0; i < ns; ++i)
        {
            relaxStorage = relaxStorage || std::isfinite(model.StorageCapacity(i));
        }
    }
    std::vector<double> pi(relaxCount ? ns : 0, 0.0);
    std::vector<double> nu(relaxStorage ? ns : 0, 0.0); // price of storage_i/κ_i ≤ 1
    std::vector<double> price(relaxStorage ? ns : 0, 0.0);
    LlmLagrangianBound best;
    best.penalty = pi;
    best.storagePrice = price;
    double theta = 2.0;
    int stall = 0;
    std::vector<std::size_t> path;
    const double tol = 1e-9;
    for (uint32_t it = 0; it < 1000; ++it)
    {
        double constant = 0;
        for (std::size_t i = 0; i < pi.size(); ++i)
        {
            constant += pi[i] * (*k);
        }
        for (std::size_t i = 0; i < nu.size(); ++i)
        {
            const double cap = model.StorageCapacity(i);
            price[i] = std::isfinite(cap) ? nu[i] / cap : 0.0;
            constant += std::isfinite(cap) ? nu[i] : 0.0;
        }
        const double sp = g.ShortestPath(pi, price, nullptr, nullptr, path, &deadline);
        if (std::isnan(sp))
        {
            break; // out of time inside the shortest path
        }
        best.iterations = it + 1;
        if (!std::isfinite(sp))
        {
            break; // no path at all: the caller reports infeasibility
        }
        const double value = sp - constant;
        if (value > best.bound + tol * std::fabs(value))
        {
            best.bound = value;
            best.penalty = pi;
            best.storagePrice = price;
            best.constant = constant;
            stall = 0;
        }
        else if (++stall >= 20)
        {
            theta /= 2;
            stall = 0;
        }
        if (!relaxCount && !relaxStorage)
        {
            offer(path);
            break; // the shortest path is the optimum
        }
        if (it % 10 == 0 || incumbent.Feasible(path))
        {
            offer(path);
        }
        const double ub = incumbent.BestCost();
        if (std::isfinite(ub) && best.bound >= ub * (1 - tol))
        {
            break; // bound meets incumbent: optimal
        }
        // Subgradient of the relaxed constraints, projected on the non-negative prices.
        std::vector<double> gPi(pi.size(), 0.0);
        std::vector<double> gNu(nu.size(), 0.0);
        for (std::size_t l = 0; l < nl; ++l)
        {
            if (!gPi.empty())
            {
                gPi[path[l]] += 1.0;
            }
            if (!gNu.empty() && std::isfinite(model.StorageCapacity(path[l])))
            {
                gNu[path[l]] += g.Storage(l) / model.StorageCapacity(path[l]);
            }
        }
        double norm2 = 0;
        for (std::size_t i = 0; i < gPi.size(); ++i)
        {
            gPi[i] -= *k;
            if (pi[i] > 0 || gPi[i] > 0)
            {
                norm2 += gPi[i] * gPi[i];
            }
        }
        for (std::size_t i = 0; i < gNu.size(); ++i)
        {
            gNu[i] = std::isfinite(model.StorageCapacity(i)) ? gNu[i] - 1.0 : 0.0;
            if (nu[i] > 0 || gNu[i] > 0)
            {
                norm2 += gNu[i] * gNu[i];
            }
        }
        if (norm2 == 0 || theta < 1e-6 || phase.Expired())
        {
            break;
        }
        const double target = std::isfinite(ub) ? ub : std::fabs(value) * 1.05 + 1e-9;
        const double step = theta * (target - value) / norm2;
        for (std::size_t i = 0; i < pi.size(); ++i)
        {
            pi[i] = std::max(0.0, pi[i] + step * gPi[i]);
        }
        for (std::size_t i = 0; i < nu.size(); ++i)
        {
            nu[i] = std::max(0.0, nu[i] + step * gNu[i]);
        }
    }
    return best;
}

} // namespace ns3
