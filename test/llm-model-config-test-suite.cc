// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/llm-input-error.h"
#include "ns3/llm-model-config.h"
#include "ns3/llm-profile.h"
#include "ns3/llm-strict-json.h"
#include "ns3/test.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

using namespace ns3;

namespace
{

/**
 * The test configurations: test/data next to this file. __FILE__ is absolute in CMake builds
 * (standalone and in-tree); waf builds give a relative one, and NS_TEST_SOURCEDIR instead.
 * @param file the file name
 * @return its path
 */
std::string
DataFile(const std::string& file)
{
    std::filesystem::path dir = std::filesystem::path(__FILE__).parent_path() / "data";
#ifdef NS_TEST_SOURCEDIR
    if (!std::filesystem::is_directory(dir))
    {
        dir = std::filesystem::path(NS_TEST_SOURCEDIR) / "data";
    }
#endif
    return (dir / file).string();
}

/**
 * The error of parsing a config.json text.
 * @param text the text
 * @return the message, or "" if accepted
 */
std::string
ParseError(const std::string& text)
{
    try
    {
        LlmModelConfig::Parse(text, "bad.json");
    }
    catch (const LlmInputError& e)
    {
        return e.what();
    }
    return "";
}

/**
 * The Llama-2-7b test configuration with one field changed (or removed).
 * @param key the field
 * @param value its new value; a discarded value removes the field
 * @return the JSON text
 */
std::string
Llama(const std::string& key, const nlohmann::json& value)
{
    auto j = nlohmann::json::parse(
        LlmStrictJson::ReadFile(DataFile("llama-2-7b-config.json"), "test file"));
    if (value.is_discarded())
    {
        j.erase(key);
    }
    else
    {
        j[key] = value;
    }
    return j.dump();
}

/// A value that makes Llama() remove the field.
const nlohmann::json kRemove = nlohmann::json(nlohmann::json::value_t::discarded);

/**
 * @ingroup edge-llm-tests
 * A published config.json read back gives the built-in profile (up to the name and the stored
 * precision, which the file gives as torch_dtype float16).
 */
class LlmModelConfigBuiltInTestCase : public TestCase
{
  public:
    /**
     * @param file the test configuration
     * @param builtIn the built-in profile it describes
     * @param repository the _name_or_path it carries
     */
    LlmModelConfigBuiltInTestCase(std::string file, std::string builtIn, std::string repository)
        : TestCase("config.json " + file + " gives the built-in " + builtIn)
        , m_file(std::move(file))
        , m_builtIn(std::move(builtIn))
        , m_repository(std::move(repository))
    {
    }

  private:
    void DoRun() override
    {
        LlmArchitecture a = LlmModelConfig::Read(DataFile(m_file));
        NS_TEST_ASSERT_MSG_EQ(a.name, m_repository, "name from _name_or_path");
        NS_TEST_ASSERT_MSG_EQ(a.originalBits, 16, "torch_dtype float16");
        a.name = m_builtIn;
        a.originalBits = 32;
        NS_TEST_ASSERT_MSG_EQ((a == LlmProfile::BuiltInArchitecture(m_builtIn)),
                              true,
                              "every architecture field equals the built-in one");
        NS_TEST_ASSERT_MSG_EQ((LlmProfile::FromArchitecture(a) == LlmProfile::BuiltIn(m_builtIn)),
                              true,
                              "the profile equals the built-in one");

        // With torch_dtype float32 the file gives the built-in profile itself.
        auto j = nlohmann::json::parse(LlmStrictJson::ReadFile(DataFile(m_file), "test file"));
        j["torch_dtype"] = "float32";
        j["_name_or_path"] = m_builtIn;
        NS_TEST_ASSERT_MSG_EQ((LlmProfile::FromArchitecture(LlmModelConfig::Parse(j.dump(), "x"))
                               == LlmProfile::BuiltIn(m_builtIn)),
                              true,
                              "float32 config equals the built-in profile");
    }

    std::string m_file;       //!< Test configuration file name
    std::string m_builtIn;    //!< Built-in profile name
    std::string m_repository; //!< Expected _name_or_path
};

/**
 * @ingroup edge-llm-tests
 * GPT-2, Pythia (GPT-NeoX) and Mistral configurations against their published parameter counts.
 */
class LlmModelConfigFamiliesTestCase : public TestCase
{
  public:
    LlmModelConfigFamiliesTestCase()
        : TestCase("GPT-2, GPT-NeoX and Mistral configurations match the published totals")
    {
    }

  private:
    void DoRun() override
    {
        // GPT-2 small: no torch_dtype (32 bits), no _name_or_path (the file stem), tied head,
        // n_inner absent (4·d), learned positions n_positions × d.
        const LlmArchitecture g = LlmModelConfig::Read(DataFile("gpt2-config.json"));
        NS_TEST_ASSERT_MSG_EQ((g.family == LlmArchitecture::Family::GPT2), true, "family");
        NS_TEST_ASSERT_MSG_EQ(g.name, "gpt2-config", "name from the file stem");
        NS_TEST_ASSERT_MSG_EQ(g.originalBits, 32, "no torch_dtype: 32 bits");
        NS_TEST_ASSERT_MSG_EQ(g.ffnSize, 3072, "n_inner defaults to 4·n_embd");
        NS_TEST_ASSERT_MSG_EQ(g.tiedHead, true, "tied head");
        NS_TEST_ASSERT_MSG_EQ(g.maxContext, 1024, "n_positions");
        NS_TEST_ASSERT_MSG_EQ(g.headDim, 64, "D = 768 / 12");
        const LlmProfile gp = LlmProfile::FromArchitecture(g);
        NS_TEST_ASSERT_MSG_EQ(gp.GetTotalParams(), 124439808ULL, "GPT-2 small total");
        NS_TEST_ASSERT_MSG_EQ(gp.GetNLayers(), 14, "embedding + 12 blocks + head");
        NS_TEST_ASSERT_MSG_EQ(gp.GetLayer(1).params, 7087872ULL, "GPT-2 block");

        // Pythia-160m: rotary (no position weights), untied embed_out, biases, LayerNorms.
        const LlmArchitecture n = LlmModelConfig::Read(DataFile("pythia-160m-config.json"));
        NS_TEST_ASSERT_MSG_EQ((n.family == LlmArchitecture::Family::NEOX), true, "family");
        NS_TEST_ASSERT_MSG_EQ(n.tiedHead, false, "untied embed_out");
        NS_TEST_ASSERT_MSG_EQ(n.maxPositions, 0, "rotary positions hold no weights");
        NS_TEST_ASSERT_MSG_EQ(n.maxContext, 2048, "max_position_embeddings");
        const LlmProfile np = LlmProfile::FromArchitecture(n);
        NS_TEST_ASSERT_MSG_EQ(np.GetTotalParams(), 162322944ULL, "Pythia-160m total");
        NS_TEST_ASSERT_MSG_EQ(np.GetLayer(1).params, 7087872ULL, "same block as GPT-2");

        // Mistral-7B: grouped-query attention, k_proj and v_proj are 4096 × (8 · 128).
        const LlmArchitecture m = LlmModelConfig::Read(DataFile("mistral-7b-config.json"));
        NS_TEST_ASSERT_MSG_EQ((m.family == LlmArchitecture::Family::MISTRAL), true, "family");
        NS_TEST_ASSERT_MSG_EQ(m.originalBits, 16, "bfloat16");
        NS_TEST_ASSERT_MSG_EQ(m.numHeads, 32, "heads");
        NS_TEST_ASSERT_MSG_EQ(m.numKvHeads, 8, "KV heads");
        NS_TEST_ASSERT_MSG_EQ(m.headDim, 128, "head dimension");
        NS_TEST_ASSERT_MSG_EQ(m.maxContext, 32768, "context");
        const LlmProfile mp = LlmProfile::FromArchitecture(m);
        NS_TEST_ASSERT_MSG_EQ(mp.GetTotalParams(), 7241732096ULL, "Mistral-7B total");
        NS_TEST_ASSERT_MSG_EQ(mp.GetLayer(1).params,
                              2ULL * 4096 * 4096 + 2ULL * 4096 * 1024 + 3ULL * 4096 * 14336
                                  + 2ULL * 4096,
                              "Mistral block: q, o; GQA k, v; gate, up, down; two RMSNorms");

        // model_type absent: the first of architectures decides; n_inner null is the default.
        const std::string gpt2 = LlmStrictJson::ReadFile(DataFile("gpt2-config.json"), "test");
        auto j = nlohmann::json::parse(gpt2);
        j.erase("model_type");
        j["n_inner"] = nullptr;
        const LlmArchitecture fallback = LlmModelConfig::Parse(j.dump(), "gpt2.json");
        NS_TEST_ASSERT_MSG_EQ(
            (LlmProfile::FromArchitecture(fallback).GetLayers() == gp.GetLayers()),
            true,
            "architectures fallback and n_inner null");
        NS_TEST_ASSERT_MSG_EQ(fallback.name, "gpt2", "stem of the source");

        // An explicit head_dim, and a dtype under its newer name.
        const LlmArchitecture h = LlmModelConfig::Parse(Llama("head_dim", 64), "h.json");
        NS_TEST_ASSERT_MSG_EQ(h.headDim, 64, "head_dim read");
        NS_TEST_ASSERT_MSG_EQ(LlmProfile::FromArchitecture(h).GetLayer(1).params,
                              4ULL * 4096 * 2048 + 3ULL * 4096 * 11008 + 2ULL * 4096,
                              "q, k, v, o are 4096 × 2048 with H·D = 2048");
        auto dt = nlohmann::json::parse(Llama("torch_dtype", kRemove));
        dt["dtype"] = "bfloat16";
        NS_TEST_ASSERT_MSG_EQ(LlmModelConfig::Parse(dt.dump(), "d.json").originalBits, 16, "dtype");
        NS_TEST_ASSERT_MSG_EQ(
            LlmModelConfig::Parse(Llama("torch_dtype", "float32"), "x.json").originalBits,
            32,
            "float32");
    }
};

/**
 * @ingroup edge-llm-tests
 * Bad configurations are refused naming the file, the field and the expectation.
 */
class LlmModelConfigRefusalTestCase : public TestCase
{
  public:
    LlmModelConfigRefusalTestCase()
        : TestCase("Bad config.json files are refused by file, field and expectation")
    {
    }

  private:
    /**
     * Check that `text` is refused with a message containing `fragment`.
     * @param text the config text
     * @param fragment the expected part of the message
     */
    void Refused(const std::string& text, const std::string& fragment)
    {
        const std::string message = ParseError(text);
        NS_TEST_EXPECT_MSG_NE(message.find(fragment),
                              std::string::npos,
                              "expected \"" << fragment << "\", got \"" << message << "\"");
    }

    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_EQ(ParseError(Llama("rope_theta", 10000.0)),
                              "",
                              "unknown field ignored");
        Refused(Llama("model_type", "bert"),
                "bad.json: model_type: expected one of the supported model types (opt, llama, "
                "gpt2, gpt_neox, mistral), got \"bert\"");
        Refused(Llama("hidden_size", kRemove),
                "bad.json: hidden_size: missing field (expected a positive integer: the model "
                "width d)");
        Refused(Llama("hidden_size", "4096"),
                "bad.json: hidden_size: expected a positive integer (the model width d) of at "
                "most 1048576, got \"4096\"");
        Refused(Llama("num_hidden_layers", 0), "bad.json: num_hidden_layers: expected a positive");
        Refused(Llama("vocab_size", -5), "bad.json: vocab_size: expected a positive integer");
        Refused(Llama("intermediate_size", 1.5),
                "bad.json: intermediate_size: expected a positive");
        Refused(Llama("num_hidden_layers", 4294967296.0), "num_hidden_layers: expected a positive");
        Refused(Llama("num_attention_heads", 30),
                "bad.json: num_attention_heads: expected a divisor of hidden_size = 4096 (or a "
                "head_dim), got 30");
        Refused(Llama("num_key_value_heads", 5),
                "bad.json: num_key_value_heads: expected a divisor of num_attention_heads = 32, "
                "got 5");
        Refused(Llama("num_key_value_heads", 64), "num_key_value_heads: expected a divisor");
        Refused(Llama("torch_dtype", "int8"),
                "bad.json: torch_dtype: expected float32, float16, bfloat16 or float64, got "
                "\"int8\"");
        Refused(Llama("tie_word_embeddings", "no"),
                "bad.json: tie_word_embeddings: expected true or false, got \"no\"");
        Refused(Llama("attention_bias", true), "bad.json: attention_bias: expected false");
        Refused(Llama("_name_or_path", 7), "bad.json: _name_or_path: expected a string");
        Refused(R"({"hidden_size": 8})",
                "bad.json: model_type: missing field (expected one of: opt, llama");
        Refused(R"({"architectures": ["BertModel"]})",
                "bad.json: architectures[0]: expected one of OPTForCausalLM, LlamaForCausalLM");
        Refused(R"({"model_type": "gpt2", "n_embd": 768})", "bad.json: n_layer: missing field");
        Refused("[1, 2]", "bad.json: (top level): expected a Hugging Face config.json object");
        Refused("{\"model_type\": \"llama\",", "bad.json: not valid JSON");
        Refused(R"({"model_type": "llama", "model_type": "opt"})",
                "expected each key once in an object");

        std::string missing;
        try
        {
            LlmModelConfig::Read("/nonexistent/config.json");
        }
        catch (const LlmInputError& e)
        {
            missing = e.what();
        }
        NS_TEST_ASSERT_MSG_EQ(missing,
                              "/nonexistent/config.json: cannot open the model configuration "
                              "file for reading",
                              "nonexistent file");
    }
};

/**
 * @ingroup edge-llm-tests
 * The model configuration suite.
 */
class LlmModelConfigTestSuite : public TestSuite
{
  public:
    LlmModelConfigTestSuite()
        : TestSuite("edge-llm-model-config", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmModelConfigBuiltInTestCase("opt-350m-config.json",
                                                      "opt-350m",
                                                      "facebook/opt-350m"));
        AddTestCase(new LlmModelConfigBuiltInTestCase("llama-2-7b-config.json",
                                                      "llama-2-7b",
                                                      "meta-llama/Llama-2-7b-hf"));
        AddTestCase(new LlmModelConfigBuiltInTestCase("llama-2-70b-config.json",
                                                      "llama-2-70b",
                                                      "meta-llama/Llama-2-70b-hf"));
        AddTestCase(new LlmModelConfigFamiliesTestCase());
        AddTestCase(new LlmModelConfigRefusalTestCase());
    }
};

/// Static instance.
LlmModelConfigTestSuite g_llmModelConfigTestSuite;

} // namespace
