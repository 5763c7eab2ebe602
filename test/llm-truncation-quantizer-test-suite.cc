// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/double.h"
#include "ns3/llm-cost-model.h"
#include "ns3/llm-scenario.h"
#include "ns3/llm-truncation-quantizer.h"
#include "ns3/random-variable-stream.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/test.h"

#include <cfloat>
#include <cmath>

using namespace ns3;

namespace
{

/**
 * @ingroup edge-llm-tests
 * Truncation quantization by hand: levels, the top edge, clipping.
 */
class LlmQuantizerHandTestCase : public TestCase
{
  public:
    LlmQuantizerHandTestCase()
        : TestCase("Truncation quantizer on hand-computed values")
    {
    }

  private:
    void DoRun() override
    {
        // R = 1, b = 2: step 0.5, levels −1, −0.5, 0, 0.5; values map to the lower edge.
        const std::vector<double> w = {-1.0, -0.74, -0.5, 0.0, 0.26, 0.74, 1.0};
        const std::vector<double> expect = {-1.0, -1.0, -0.5, 0.0, 0.0, 0.5, 0.5};
        const std::vector<double> q = LlmTruncationQuantizer::Quantize(w, 2);
        for (std::size_t k = 0; k < w.size(); ++k)
        {
            NS_TEST_ASSERT_MSG_EQ_TOL(q[k], expect[k], 1e-15, "q(" << w[k] << ")");
        }
        NS_TEST_ASSERT_MSG_EQ_TOL(LlmTruncationQuantizer::MaxAbs(w), 1.0, 0, "R");
        // The top edge w = R errs by one full step.
        NS_TEST_ASSERT_MSG_EQ_TOL(LlmTruncationQuantizer::MaxAbsError(w, 2), 0.5, 1e-15, "max");
        NS_TEST_ASSERT_MSG_EQ_TOL(LlmTruncationQuantizer::NormalizedError(w, 2),
                                  0.125,
                                  1e-15,
                                  "divided by 2^b");
        // Weights outside an explicit range are clipped to it.
        const std::vector<double> c = LlmTruncationQuantizer::Quantize({-3.0, 3.0}, 2, 1.0);
        NS_TEST_ASSERT_MSG_EQ_TOL(c[0], -1.0, 1e-15, "clip low");
        NS_TEST_ASSERT_MSG_EQ_TOL(c[1], 0.5, 1e-15, "clip high");
        // All-zero weights quantize to zero with no error.
        NS_TEST_ASSERT_MSG_EQ(LlmTruncationQuantizer::MaxAbsError({0.0, 0.0}, 4), 0.0, "zeros");
    }
};

/**
 * @ingroup edge-llm-tests
 * On random weights the measured error never exceeds the analytic bound 2R/4^b, reaches it at
 * w = R, and falls with b; a measured table drives the cost model like the bound does.
 */
class LlmQuantizerRandomTestCase : public TestCase
{
  public:
    LlmQuantizerRandomTestCase()
        : TestCase("Truncation error on random weights against the analytic bound")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(7);
        RngSeedManager::SetRun(1);
        Ptr<NormalRandomVariable> normal = CreateObject<NormalRandomVariable>();
        normal->SetAttribute("Mean", DoubleValue(0.0));
        normal->SetAttribute("Variance", DoubleValue(0.01));
        normal->SetStream(1);
        std::vector<double> w(4096);
        for (double& x : w)
        {
            x = normal->GetValue();
        }
        const double r = LlmTruncationQuantizer::MaxAbs(w);
        w.push_back(r); // make sure +R is present: the bound is then attained exactly

        double previous = INFINITY;
        for (uint32_t b = 1; b <= 20; ++b)
        {
            const std::vector<double> q = LlmTruncationQuantizer::Quantize(w, b);
            const double step = 2 * r / std::ldexp(1.0, b);
            for (std::size_t k = 0; k < w.size(); ++k)
            {
                // Truncation: q ≤ w (never rounds up) and within one step.
                NS_TEST_ASSERT_MSG_LT_OR_EQ(q[k], w[k], "truncation rounds down, b=" << b);
                NS_TEST_ASSERT_MSG_LT_OR_EQ(w[k] - q[k], step + 8 * r * DBL_EPSILON, "one step");
            }
            const double e = LlmTruncationQuantizer::NormalizedError(w, b);
            const double bound = LlmTruncationQuantizer::AnalyticNormalizedBound(r, b);
            NS_TEST_ASSERT_MSG_EQ_TOL(e / bound, 1.0, 1e-9, "bound attained at w = R, b=" << b);
            NS_TEST_ASSERT_MSG_LT(e, previous, "error falls with b");
            previous = e;
        }

        // A measured table, placed in a scenario, selects the same bits as the bound.
        LlmScenario s = LlmScenario::BuiltInDefault();
        LlmProfile p = s.GetModel();
        std::vector<LlmLayer> layers = p.GetLayers();
        const std::vector<uint32_t> bitSet = LlmCostModel::MakeBitSet(s.GetQuantization());
        for (LlmLayer& layer : layers)
        {
            layer.weightMaxAbs = 0;
            layer.weightError = LlmTruncationQuantizer::MeasureErrorTable(w, bitSet, 32);
        }
        s.SetModel(LlmProfile(p.GetName(), 32, layers));
        s.Validate("test");
        const LlmCostModel measured(s);
        for (std::size_t l = 0; l < measured.GetNLayers(); ++l)
        {
            layers[l].weightError.clear();
            layers[l].weightMaxAbs = r;
        }
        s.SetModel(LlmProfile(p.GetName(), 32, layers));
        const LlmCostModel analytic(s);
        for (std::size_t l = 0; l < measured.GetNLayers(); ++l)
        {
            NS_TEST_ASSERT_MSG_EQ((measured.GetAllowedBits(l) == analytic.GetAllowedBits(l)),
                                  true,
                                  "measured table and bound agree on layer " << l);
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * The quantizer suite.
 */
class LlmTruncationQuantizerTestSuite : public TestSuite
{
  public:
    LlmTruncationQuantizerTestSuite()
        : TestSuite("edge-llm-quantizer", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmQuantizerHandTestCase());
        AddTestCase(new LlmQuantizerRandomTestCase());
    }
};

/// Static instance.
LlmTruncationQuantizerTestSuite g_llmTruncationQuantizerTestSuite;

} // namespace
