// SPDX-License-Identifier: GPL-2.0-only

#include "llm-synthetic-activation.h"

#include "llm-input-error.h"
#include "llm-text-parse.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace ns3
{

namespace
{

/// Portable draws from a std::mt19937_64 (whose output the standard fixes).
class Draws
{
  public:
    explicit Draws(uint64_t seed)
        : m_rng(seed)
    {
    }

    /// Uniform in (0, 1) from 53 random bits.
    double Uniform() { return (static_cast<double>(m_rng() >> 11) + 0.5) * 0x1p-53; }

    /// Standard normal, Box–Muller (both values of a pair used in turn).
    double Normal()
    {
        if (m_hasSpare)
        {
            m_hasSpare = false;
            return m_spare;
        }
        const double r = std::sqrt(-2.0 * std::log(Uniform()));
        const double phi = 6.283185307179586 * Uniform();
        m_spare = r * std::sin(phi);
        m_hasSpare = true;
        return r * std::cos(phi);
    }

    /// Laplace of unit variance (scale 1/√2), by inversion.
    double Laplace()
    {
        const double u = Uniform();
        const double b = std::sqrt(0.5);
        return u < 0.5 ? b * std::log(2.0 * u) : -b * std::log(2.0 * (1.0 - u));
    }

    /// Uniform integer in [0, n), n ≥ 1 (rejection: no modulo bias).
    uint64_t Below(uint64_t n)
    {
        const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        uint64_t r;
        do
        {
            r = m_rng();
        } while (r >= limit);
        return r % n;
    }

  private:
    std::mt19937_64 m_rng;
    bool m_hasSpare{false};
    double m_spare{0};
};

/// Channel scales σ_c, then the outlier channels (partial Fisher–Yates), signs, magnitudes:
/// outlier[c] = ±a_c for an outlier channel, 0 for the others.
void
DrawChannels(const LlmSyntheticActivation::Params& params,
             Draws& draws,
             std::vector<double>& sigma,
             std::vector<double>& outlier)
{
    const std::size_t d = params.hidden;
    sigma.resize(d);
    for (double& s : sigma)
    {
        s = std::exp(0.25 * draws.Normal());
    }
    std::vector<std::size_t> order(d);
    for (std::size_t c = 0; c < d; ++c)
    {
        order[c] = c;
    }
    outlier.assign(d, 0.0);
    for (std::size_t k = 0; k < params.outlierChannels; ++k)
    {
        std::swap(order[k], order[k + draws.Below(d - k)]);
        const double sign = draws.Uniform() < 0.5 ? -1.0 : 1.0;
        outlier[order[k]] = sign * params.outlierScale * (0.2 + 0.8 * draws.Uniform());
    }
}

} // namespace

LlmSyntheticActivation::LlmSyntheticActivation(const Params& params)
    : m_params(params)
{
    const std::string source = "synthetic activation";
    if (params.tokens == 0 || params.hidden == 0)
    {
        throw LlmInputError(source, "shape", "expected T >= 1 tokens and d >= 1 channels");
    }
    if (params.tokens > (std::size_t{1} << 31) / params.hidden)
    {
        throw LlmInputError(source,
                            "shape",
                            "expected T·d <= 2^31 elements, got " + std::to_string(params.tokens)
                                + "·" + std::to_string(params.hidden));
    }
    if (params.outlierChannels > params.hidden)
    {
        throw LlmInputError(source,
                            "outlier channels",
                            "expected at most d = " + std::to_string(params.hidden) + ", got "
                                + std::to_string(params.outlierChannels));
    }
    if (!(params.outlierScale > 0 && params.outlierScale <= 10000))
    {
        throw LlmInputError(source,
                            "outlier scale",
                            "expected 0 < A <= 10000, got "
                                + LlmTextParse::Format(params.outlierScale));
    }
}

LlmTensor
LlmSyntheticActivation::Generate() const
{
    const std::size_t d = m_params.hidden;
    Draws draws(m_params.seed);
    std::vector<double> sigma;
    std::vector<double> outlier;
    DrawChannels(m_params, draws, sigma, outlier);
    LlmTensor x(m_params.tokens, d);
    for (std::size_t t = 0; t < m_params.tokens; ++t)
    {
        const double gain = std::exp(0.25 * draws.Normal());
        const bool laplace = draws.Uniform() < 0.5;
        float* row = x.data.data() + t * d;
        for (std::size_t c = 0; c < d; ++c)
        {
            if (outlier[c] != 0)
            {
                row[c] = static_cast<float>(outlier[c] * (1.0 + 0.1 * draws.Normal()));
            }
            else
            {
                const double e = laplace ? draws.Laplace() : draws.Normal();
                row[c] = static_cast<float>(gain * sigma[c] * e);
            }
        }
    }
    return x;
}

std::vector<std::size_t>
LlmSyntheticActivation::GetOutlierChannels() const
{
    Draws draws(m_params.seed);
    std::vector<double> sigma;
    std::vector<double> outlier;
    DrawChannels(m_params, draws, sigma, outlier);
    std::vector<std::size_t> channels;
    for (std::size_t c = 0; c < outlier.size(); ++c)
    {
        if (outlier[c] != 0)
        {
            channels.push_back(c);
        }
    }
    return channels;
}

} // namespace ns3
