// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/llm-input-error.h"
#include "ns3/llm-profile.h"
#include "ns3/test.h"

#include <cmath>
#include <string>

using namespace ns3;

namespace
{

/**
 * @ingroup edge-llm-tests
 * Each built-in profile's total parameter count against the published one (within 1 %), its
 * layer structure, and FLOPs per token = 2 × matrix-multiply weights.
 */
class LlmBuiltInProfileTestCase : public TestCase
{
  public:
    /**
     * @param name built-in profile name
     * @param published published total parameter count
     */
    LlmBuiltInProfileTestCase(std::string name, double published)
        : TestCase("Built-in profile " + name + " against its published size")
        , m_name(std::move(name))
        , m_published(published)
    {
    }

  private:
    void DoRun() override
    {
        const LlmProfile p = LlmProfile::BuiltIn(m_name);
        const LlmArchitecture a = LlmProfile::BuiltInArchitecture(m_name);
        NS_TEST_ASSERT_MSG_EQ(p.GetName(), m_name, "profile name");
        NS_TEST_ASSERT_MSG_EQ(p.GetOriginalBits(), 32, "original bits");
        const double total = static_cast<double>(p.GetTotalParams());
        NS_TEST_ASSERT_MSG_EQ_TOL(total / m_published, 1.0, 0.01, "total params of " << m_name);

        // Layers: embedding, one per decoder block, head.
        NS_TEST_ASSERT_MSG_EQ(p.GetNLayers(), a.numLayers + 2, "layer count");
        NS_TEST_ASSERT_MSG_EQ(p.GetLayer(0).name, "embedding", "first layer");
        NS_TEST_ASSERT_MSG_EQ(p.GetLayer(1).name, "decoder.0", "second layer");
        NS_TEST_ASSERT_MSG_EQ(p.GetLayers().back().name, "head", "last layer");
        NS_TEST_ASSERT_MSG_EQ(p.GetLayers().back().outputElementsPerToken,
                              a.vocabSize,
                              "the head emits one logit per vocabulary entry");
        for (std::size_t l = 0; l + 1 < p.GetNLayers(); ++l)
        {
            NS_TEST_ASSERT_MSG_EQ(p.GetLayer(l).outputElementsPerToken,
                                  a.hiddenSize,
                                  "layer " << l << " emits the hidden state");
        }

        // Decoder blocks: FLOPs = 2 × params up to biases and norms (< 1 %).
        for (std::size_t l = 1; l + 1 < p.GetNLayers(); ++l)
        {
            const LlmLayer& b = p.GetLayer(l);
            NS_TEST_ASSERT_MSG_EQ_TOL(b.flopsPerToken / (2.0 * b.params),
                                      1.0,
                                      0.01,
                                      "FLOPs of " << b.name);
            NS_TEST_ASSERT_MSG_EQ(b.params, p.GetLayer(1).params, "identical blocks");
        }

        // Whole model: FLOPs = 2 × (params − lookup tables + the tied head matrix), where the
        // lookup tables are the token embedding V × e and the learned positions.
        const double e = a.wordEmbedProjDim ? a.wordEmbedProjDim : a.hiddenSize;
        const double lookup = a.vocabSize * e + a.maxPositions * a.hiddenSize;
        const double tiedHead = a.tiedHead ? a.vocabSize * e : 0.0;
        NS_TEST_ASSERT_MSG_EQ_TOL(p.GetTotalFlopsPerToken() / (2.0 * (total - lookup + tiedHead)),
                                  1.0,
                                  0.01,
                                  "total FLOPs per token of " << m_name);
    }

    std::string m_name; //!< Profile name
    double m_published; //!< Published parameter count
};

/**
 * @ingroup edge-llm-tests
 * Exact per-layer numbers of OPT-350m (the scenario contract's example layer) and errors.
 */
class LlmOpt350mExactTestCase : public TestCase
{
  public:
    LlmOpt350mExactTestCase()
        : TestCase("OPT-350m layers match the architecture exactly")
    {
    }

  private:
    void DoRun() override
    {
        const LlmProfile p = LlmProfile::BuiltIn("opt-350m");
        NS_TEST_ASSERT_MSG_EQ(p.GetNLayers(), 26, "embedding + 24 blocks + head");
        // q,k,v,o with bias + fc1, fc2 with bias + two LayerNorms (d = 1024, ffn = 4096).
        NS_TEST_ASSERT_MSG_EQ(p.GetLayer(1).params, 12596224ULL, "decoder block params");
        NS_TEST_ASSERT_MSG_EQ_TOL(p.GetLayer(1).flopsPerToken, 25165824.0, 0.5, "block FLOPs");
        // Token embedding 50272 × 512, positions 2050 × 1024, project_in 512 × 1024.
        NS_TEST_ASSERT_MSG_EQ(p.GetLayer(0).params,
                              50272ULL * 512 + 2050ULL * 1024 + 512ULL * 1024,
                              "embedding params");
        NS_TEST_ASSERT_MSG_EQ(p.GetLayer(0).outputElementsPerToken, 1024, "projected in");
        // Head: project_out only (the LM head is tied to the token embedding).
        NS_TEST_ASSERT_MSG_EQ(p.GetLayer(25).params, 1024ULL * 512, "head params");
        NS_TEST_ASSERT_MSG_EQ_TOL(p.GetLayer(25).flopsPerToken,
                                  2.0 * (1024.0 * 512 + 512.0 * 50272),
                                  0.5,
                                  "head FLOPs");
        NS_TEST_ASSERT_MSG_EQ(p.GetTotalParams(), 331196416ULL, "OPT-350m total");

        NS_TEST_ASSERT_MSG_EQ(LlmProfile::IsBuiltIn("opt-350m"), true, "known name");
        NS_TEST_ASSERT_MSG_EQ(LlmProfile::IsBuiltIn("gpt-5"), false, "unknown name");
        std::string message;
        try
        {
            LlmProfile::BuiltIn("gpt-5");
        }
        catch (const LlmInputError& e)
        {
            message = e.what();
        }
        NS_TEST_ASSERT_MSG_NE(message.find("unknown model \"gpt-5\""),
                              std::string::npos,
                              "unknown built-in refused: " << message);
        NS_TEST_ASSERT_MSG_NE(message.find("llama-2-7b"),
                              std::string::npos,
                              "the message lists the known names: " << message);
    }
};

/**
 * @ingroup edge-llm-tests
 * Llama-2 profiles against the exact Hugging Face parameter counts, grouped-query attention
 * and the head fields of every built-in profile.
 */
class LlmLlamaExactTestCase : public TestCase
{
  public:
    LlmLlamaExactTestCase()
        : TestCase("Llama-2 7b, 13b and 70b match the published parameter counts exactly")
    {
    }

  private:
    void DoRun() override
    {
        // Embeddings, q, k, v, o, gate, up, down, two RMSNorms per block, final norm, lm_head.
        const LlmProfile l7 = LlmProfile::BuiltIn("llama-2-7b");
        NS_TEST_ASSERT_MSG_EQ(l7.GetLayer(1).params, 202383360ULL, "Llama-2-7b decoder block");
        NS_TEST_ASSERT_MSG_EQ(l7.GetTotalParams(), 6738415616ULL, "Llama-2-7b total");
        NS_TEST_ASSERT_MSG_EQ(LlmProfile::BuiltIn("llama-2-13b").GetTotalParams(),
                              13015864320ULL,
                              "Llama-2-13b total");
        const LlmProfile l70 = LlmProfile::BuiltIn("llama-2-70b");
        NS_TEST_ASSERT_MSG_EQ(l70.GetTotalParams(), 68976648192ULL, "Llama-2-70b total");
        NS_TEST_ASSERT_MSG_EQ(l70.GetNLayers(), 82, "embedding + 80 blocks + head");
        // Grouped-query attention: k_proj and v_proj are 8192 × (8 · 128).
        NS_TEST_ASSERT_MSG_EQ(l70.GetLayer(1).params,
                              2ULL * 8192 * 8192 + 2ULL * 8192 * 1024 + 3ULL * 8192 * 28672
                                  + 2ULL * 8192,
                              "Llama-2-70b decoder block");
        NS_TEST_ASSERT_MSG_EQ_TOL(
            l70.GetLayer(1).flopsPerToken,
            2.0 * (2.0 * 8192 * 8192 + 2.0 * 8192 * 1024 + 3.0 * 8192 * 28672),
            0.5,
            "Llama-2-70b block FLOPs");

        // Head fields: H · D = d for every built-in; H_kv = H except Llama-2-70b.
        for (const auto& name : LlmProfile::BuiltInNames())
        {
            const LlmArchitecture a = LlmProfile::BuiltInArchitecture(name);
            NS_TEST_ASSERT_MSG_EQ(a.numHeads * a.headDim, a.hiddenSize, name << ": H · D = d");
            NS_TEST_ASSERT_MSG_EQ(a.GetHeadDim(), a.headDim, name << ": head dimension");
            NS_TEST_ASSERT_MSG_EQ(a.GetKvHeads(),
                                  (name == "llama-2-70b" ? 8U : a.numHeads),
                                  name << ": KV heads");
            const bool opt = a.family == LlmArchitecture::Family::OPT;
            NS_TEST_ASSERT_MSG_EQ(a.maxContext, (opt ? 2048U : 4096U), name << ": context");
        }
        NS_TEST_ASSERT_MSG_EQ(LlmProfile::BuiltInArchitecture("opt-125m").numHeads, 12, "125m");
        NS_TEST_ASSERT_MSG_EQ(LlmProfile::BuiltInArchitecture("opt-350m").numHeads, 16, "350m");
        NS_TEST_ASSERT_MSG_EQ(LlmProfile::BuiltInArchitecture("opt-1.3b").numHeads, 32, "1.3b");
        NS_TEST_ASSERT_MSG_EQ(LlmProfile::BuiltInArchitecture("opt-6.7b").numHeads, 32, "6.7b");
        NS_TEST_ASSERT_MSG_EQ(LlmProfile::BuiltInArchitecture("llama-2-13b").numHeads, 40, "13b");

        // Unset head fields fall back to H_kv = H and D = d / H (q, k, v, o: d × d).
        LlmArchitecture a = LlmProfile::BuiltInArchitecture("llama-2-7b");
        a.numKvHeads = 0;
        a.headDim = 0;
        NS_TEST_ASSERT_MSG_EQ(a.GetKvHeads(), 32, "default KV heads");
        NS_TEST_ASSERT_MSG_EQ(a.GetHeadDim(), 128, "default head dimension");
        NS_TEST_ASSERT_MSG_EQ((LlmProfile::FromArchitecture(a) == l7), true, "same profile");
    }
};

/**
 * @ingroup edge-llm-tests
 * The LLM profile suite.
 */
class LlmProfileTestSuite : public TestSuite
{
  public:
    LlmProfileTestSuite()
        : TestSuite("edge-llm-profile", TestSuite::Type::UNIT)
    {
        // Published counts: OPT paper / Hugging Face model cards, Llama-2 paper (6.74 B) and
        // the Hugging Face checkpoints of Llama-2-13b and -70b.
        AddTestCase(new LlmBuiltInProfileTestCase("opt-125m", 125e6));
        AddTestCase(new LlmBuiltInProfileTestCase("opt-350m", 331e6));
        AddTestCase(new LlmBuiltInProfileTestCase("opt-1.3b", 1.316e9));
        AddTestCase(new LlmBuiltInProfileTestCase("opt-6.7b", 6.658e9));
        AddTestCase(new LlmBuiltInProfileTestCase("llama-2-7b", 6.74e9));
        AddTestCase(new LlmBuiltInProfileTestCase("llama-2-13b", 13.016e9));
        AddTestCase(new LlmBuiltInProfileTestCase("llama-2-70b", 68.977e9));
        AddTestCase(new LlmOpt350mExactTestCase());
        AddTestCase(new LlmLlamaExactTestCase());
    }
};

/// Static instance.
LlmProfileTestSuite g_llmProfileTestSuite;

} // namespace
