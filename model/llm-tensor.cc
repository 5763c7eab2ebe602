// SPDX-License-Identifier: GPL-2.0-only

#include "llm-tensor.h"

#include "ns3/assert.h"

#include <cmath>
#include <limits>

namespace ns3
{

LlmTensorError
LlmTensor::Compare(const LlmTensor& reference, const LlmTensor& approximation)
{
    NS_ASSERT_MSG(reference.tokens == approximation.tokens
                      && reference.hidden == approximation.hidden
                      && reference.data.size() == approximation.data.size(),
                  "Compare: tensors of different shapes");
    double signal = 0;
    double noise = 0;
    double maxAbs = 0;
    for (std::size_t k = 0; k < reference.data.size(); ++k)
    {
        const double x = reference.data[k];
        const double e = x - static_cast<double>(approximation.data[k]);
        signal += x * x;
        noise += e * e;
        maxAbs = std::max(maxAbs, std::fabs(e));
    }
    LlmTensorError r;
    r.maxAbsError = maxAbs;
    const double inf = std::numeric_limits<double>::infinity();
    r.nmse = noise == 0 ? 0.0 : (signal == 0 ? inf : noise / signal);
    r.sqnrDb = r.nmse == 0 ? inf : -10.0 * std::log10(r.nmse);
    return r;
}

} // namespace ns3
