// SPDX-License-Identifier: GPL-2.0-only

#include "llm-truncation-quantizer.h"

#include "llm-cost-model.h"
#include "ns3/assert.h"

#include <algorithm>
#include <cmath>

namespace ns3
{

std::vector<double>
LlmTruncationQuantizer::Quantize(const std::vector<double>& weights, uint32_t bits, double range)
{
    NS_ASSERT_MSG(bits >= 1 && bits <= 32, "bits must be in [1, 32], got " << bits);
    std::vector<double> q(weights.size());
    if (!(range > 0))
    {
        std::fill(q.begin(), q.end(), 0.0); // all-zero weights: nothing to represent
        return q;
    }
    const double levels = std::ldexp(1.0, static_cast<int>(bits));
    const double step = 2.0 * range / levels;
    for (std::size_t k = 0; k < weights.size(); ++k)
    {
        double w = std::clamp(weights[k], -range, range);
        double level = std::floor((w + range) / step);
        level = std::min(level, levels - 1); // w = R belongs to the last level
        q[k] = -range + level * step;
    }
    return q;
}

std::vector<double>
LlmTruncationQuantizer::Quantize(const std::vector<double>& weights, uint32_t bits)
{
    return Quantize(weights, bits, MaxAbs(weights));
}

double
LlmTruncationQuantizer::MaxAbs(const std::vector<double>& weights)
{
    double r = 0;
    for (double w : weights)
    {
        r = std::max(r, std::fabs(w));
    }
    return r;
}

double
LlmTruncationQuantizer::MaxAbsError(const std::vector<double>& weights, uint32_t bits)
{
    const std::vector<double> q = Quantize(weights, bits);
    double e = 0;
    for (std::size_t k = 0; k < weights.size(); ++k)
    {
        e = std::max(e, std::fabs(weights[k] - q[k]));
    }
    return e;
}

double
LlmTruncationQuantizer::NormalizedError(const std::vector<double>& weights, uint32_t bits)
{
    return MaxAbsError(weights, bits) / std::ldexp(1.0, static_cast<int>(bits));
}

double
LlmTruncationQuantizer::AnalyticNormalizedBound(double range, uint32_t bits)
{
    return LlmCostModel::AnalyticWeightError(range, bits);
}

std::map<uint32_t, double>
LlmTruncationQuantizer::MeasureErrorTable(const std::vector<double>& weights,
                                          const std::vector<uint32_t>& bitSet,
                                          uint32_t originalBits)
{
    std::map<uint32_t, double> table;
    for (uint32_t b : bitSet)
    {
        table[b] = (b == originalBits) ? 0.0 : NormalizedError(weights, b);
    }
    return table;
}

} // namespace ns3
