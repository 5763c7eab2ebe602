// SPDX-License-Identifier: GPL-2.0-only

#include "llm-random-scenario.h"

#include "ns3/rng-stream.h"

#include <cmath>

namespace ns3
{

LlmScenario
LlmRandomScenario::Draw(uint32_t seed, uint64_t stream) const
{
    RngStream rng(seed, stream, 0);
    auto uniform = [&rng](double lo, double hi) { return lo + (hi - lo) * rng.RandU01(); };
    std::vector<LlmLayer> layers(this->layers);
    double meanSize = 0;
    for (uint32_t l = 0; l < this->layers; ++l)
    {
        LlmLayer& x = layers[l];
        if (repeatedBlocks && l >= 2 && l + 1 < this->layers)
        {
            x = layers[1]; // the same block again
            x.name = "layer" + std::to_string(l);
            meanSize += x.params * bMax / 8.0 / this->layers;
            continue;
        }
        x.name = "layer" + std::to_string(l);
        x.params = static_cast<uint64_t>(uniform(1e6, 20e6));
        x.flopsPerToken = std::round(2.0 * x.params * uniform(0.8, 1.2));
        x.outputElementsPerToken = static_cast<uint64_t>(uniform(256, 4096));
        x.weightMaxAbs = uniform(0.05, 1.0);
        meanSize += x.params * bMax / 8.0 / this->layers;
    }
    LlmScenario s;
    s.SetModel(LlmProfile("random", bMax, layers));
    s.GetWorkload() = {tokens, batch};
    s.GetQuantization() = {bMin, bMax, bStep, delta};
    s.SetMaxLayersPerServer(maxLayersPerServer);
    for (uint32_t i = 0; i < servers; ++i)
    {
        LlmServer srv;
        srv.name = "s" + std::to_string(i);
        srv.ccsHz = uniform(1e9, 4e9);
        if (limitedStorage)
        {
            srv.storageBytes = uniform(0.5, 2.0) * meanSize;
        }
        s.GetServers().push_back(srv);
    }
    for (uint32_t i = 0; i < servers; ++i)
    {
        for (uint32_t j = 0; j < servers; ++j)
        {
            if (i != j && rng.RandU01() < linkProbability)
            {
                s.GetLinks().push_back({"s" + std::to_string(i),
                                        "s" + std::to_string(j),
                                        uniform(minBps, 10 * minBps),
                                        std::nullopt});
            }
        }
    }
    s.Validate("random scenario");
    return s;
}

} // namespace ns3
