// SPDX-License-Identifier: GPL-2.0-only

#include "llm-model-config.h"

#include "llm-input-error.h"
#include "llm-strict-json.h"
#include "ns3/log.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmModelConfig");

namespace
{

using Json = nlohmann::json;
using Family = LlmArchitecture::Family;

/// One supported model_type, its family and its causal-LM class name (for `architectures`).
struct ModelType
{
    const char* type;         //!< model_type
    Family family;            //!< Decoder family
    const char* architecture; //!< The Hugging Face class of the model with its LM head
};

/// The supported model types, in the order messages list them.
const ModelType kModelTypes[] = {
    {"opt", Family::OPT, "OPTForCausalLM"},
    {"llama", Family::LLAMA, "LlamaForCausalLM"},
    {"gpt2", Family::GPT2, "GPT2LMHeadModel"},
    {"gpt_neox", Family::NEOX, "GPTNeoXForCausalLM"},
    {"mistral", Family::MISTRAL, "MistralForCausalLM"},
};

/// Short text of a JSON value for "got ..." in messages.
std::string
Got(const Json& v)
{
    if (v.is_array() || v.is_object())
    {
        return std::string(v.is_array() ? "an array" : "an object") + " of "
               + std::to_string(v.size()) + (v.size() == 1 ? " element" : " elements");
    }
    std::string s = v.dump();
    if (s.size() > 60)
    {
        s = s.substr(0, 57) + "...";
    }
    return s;
}

/// The supported model types or architectures as "a, b, c".
std::string
List(bool architectures)
{
    std::string list;
    for (const ModelType& m : kModelTypes)
    {
        list += (list.empty() ? "" : ", ") + std::string(architectures ? m.architecture : m.type);
    }
    return list;
}

/**
 * Reads the fields of one config.json object, naming file and field in every error.
 */
class ConfigReader
{
  public:
    /**
     * @param j the top-level object
     * @param source the file name
     */
    ConfigReader(const Json& j, std::string source)
        : m_json(j)
        , m_source(std::move(source))
    {
    }

    /// Throw an LlmInputError for `field`.
    [[noreturn]] void Fail(const std::string& field, const std::string& what) const
    {
        throw LlmInputError(m_source, field, what);
    }

    /// The value of `key`, nullptr when absent or null (Hugging Face's None: the default).
    const Json* Find(const std::string& key) const
    {
        auto it = m_json.find(key);
        return (it == m_json.end() || it->is_null()) ? nullptr : &*it;
    }

    /// A positive integer at most `max`; `what` says what it is (for messages).
    uint64_t Positive(const std::string& key, const std::string& what, uint64_t max) const
    {
        const Json* v = Find(key);
        if (!v)
        {
            Fail(key, "missing field (expected a positive integer: " + what + ")");
        }
        return Value(key, *v, what, max);
    }

    /// As Positive(), with a default for an absent or null field.
    uint64_t PositiveOr(const std::string& key,
                        const std::string& what,
                        uint64_t max,
                        uint64_t fallback) const
    {
        const Json* v = Find(key);
        return v ? Value(key, *v, what, max) : fallback;
    }

    /// A boolean, with a default for an absent or null field.
    bool BoolOr(const std::string& key, bool fallback) const
    {
        const Json* v = Find(key);
        if (!v)
        {
            return fallback;
        }
        if (!v->is_boolean())
        {
            Fail(key, "expected true or false, got " + Got(*v));
        }
        return v->get<bool>();
    }

    /// Refuse a variant the profile does not model: `key` must be absent or `expected`.
    void Require(const std::string& key, bool fallback, bool expected, const std::string& why) const
    {
        if (BoolOr(key, fallback) != expected)
        {
            Fail(key,
                 std::string("expected ") + (expected ? "true" : "false") + " (" + why + "), got "
                     + (expected ? "false" : "true"));
        }
    }

  private:
    /// Check one integer value.
    uint64_t Value(const std::string& key,
                   const Json& v,
                   const std::string& what,
                   uint64_t max) const
    {
        uint64_t x = 0;
        if (v.is_number_unsigned())
        {
            x = v.get<uint64_t>();
        }
        else if (v.is_number_float())
        {
            const double d = v.get<double>();
            if (d >= 1 && d <= static_cast<double>(max) && std::floor(d) == d)
            {
                x = static_cast<uint64_t>(d);
            }
        }
        if (x == 0 || x > max)
        {
            Fail(key,
                 "expected a positive integer (" + what + ") of at most " + std::to_string(max)
                     + ", got " + Got(v));
        }
        return x;
    }

    const Json& m_json;   //!< The top-level object
    std::string m_source; //!< File name for errors
};

/// The family of the configuration: model_type, else the first of architectures.
Family
ReadFamily(const ConfigReader& r)
{
    const std::string types = List(false);
    if (const Json* type = r.Find("model_type"))
    {
        for (const ModelType& m : kModelTypes)
        {
            if (type->is_string() && type->get<std::string>() == m.type)
            {
                return m.family;
            }
        }
        r.Fail("model_type",
               "expected one of the supported model types (" + types + "), got " + Got(*type));
    }
    const Json* archs = r.Find("architectures");
    if (!archs)
    {
        r.Fail("model_type", "missing field (expected one of: " + types + ")");
    }
    if (!archs->is_array() || archs->empty())
    {
        r.Fail("architectures",
               "expected a non-empty array of class names (or give model_type: " + types + "), got "
                   + Got(*archs));
    }
    for (const ModelType& m : kModelTypes)
    {
        if ((*archs)[0].is_string() && (*archs)[0].get<std::string>() == m.architecture)
        {
            return m.family;
        }
    }
    r.Fail("architectures[0]",
           "expected one of " + List(true) + " (or give model_type: " + types + "), got "
               + Got((*archs)[0]));
}

/// The original bit width from torch_dtype (or dtype, its newer name).
uint32_t
ReadBits(const ConfigReader& r)
{
    std::string key = "torch_dtype";
    const Json* v = r.Find(key);
    if (!v)
    {
        key = "dtype";
        v = r.Find(key);
    }
    if (!v)
    {
        return 32; // PyTorch loads float32 unless told otherwise
    }
    if (v->is_string())
    {
        const std::string t = v->get<std::string>();
        if (t == "float32" || t == "float")
        {
            return 32;
        }
        if (t == "float16" || t == "half" || t == "bfloat16")
        {
            return 16;
        }
        if (t == "float64" || t == "double")
        {
            return 64;
        }
    }
    r.Fail(key, "expected float32, float16, bfloat16 or float64, got " + Got(*v));
}

/// The profile name: _name_or_path, else the stem of the file name.
std::string
ReadName(const ConfigReader& r, const std::string& source)
{
    if (const Json* v = r.Find("_name_or_path"))
    {
        if (!v->is_string())
        {
            r.Fail("_name_or_path", "expected a string, got " + Got(*v));
        }
        const std::string name = v->get<std::string>();
        for (unsigned char c : name)
        {
            if (c < 0x20 || c == 0x7f)
            {
                r.Fail("_name_or_path", "expected a name without control characters");
            }
        }
        if (!name.empty())
        {
            return name;
        }
    }
    const std::string stem = std::filesystem::path(source).stem().string();
    return stem.empty() ? std::string("model") : stem;
}

} // namespace

std::vector<std::string>
LlmModelConfig::SupportedModelTypes()
{
    std::vector<std::string> types;
    for (const ModelType& m : kModelTypes)
    {
        types.emplace_back(m.type);
    }
    return types;
}

LlmArchitecture
LlmModelConfig::Read(const std::string& path)
{
    NS_LOG_FUNCTION(path);
    return Parse(LlmStrictJson::ReadFile(path, "model configuration file"), path);
}

LlmArchitecture
LlmModelConfig::Parse(const std::string& text, const std::string& source)
{
    NS_LOG_FUNCTION(source);
    const Json j = LlmStrictJson::Parse(text, source);
    if (!j.is_object())
    {
        throw LlmInputError(source,
                            "(top level)",
                            "expected a Hugging Face config.json object, got " + Got(j));
    }
    const ConfigReader r(j, source);

    LlmArchitecture a;
    a.family = ReadFamily(r);
    const bool gpt2 = a.family == Family::GPT2;

    // Field names: GPT-2 keeps its own, the other families share the Llama-style ones.
    const std::string dKey = gpt2 ? "n_embd" : "hidden_size";
    const std::string layersKey = gpt2 ? "n_layer" : "num_hidden_layers";
    const std::string headsKey = gpt2 ? "n_head" : "num_attention_heads";
    const std::string contextKey = gpt2 ? "n_positions" : "max_position_embeddings";

    a.hiddenSize = r.Positive(dKey, "the model width d", MAX_WIDTH);
    a.numLayers = static_cast<uint32_t>(r.Positive(layersKey, "decoder blocks", MAX_BLOCKS));
    a.numHeads = static_cast<uint32_t>(r.Positive(headsKey, "attention heads H", MAX_WIDTH));
    a.vocabSize = r.Positive("vocab_size", "the vocabulary size V", MAX_VOCAB);
    a.maxContext = r.Positive(contextKey, "the context limit in tokens", MAX_CONTEXT);
    a.originalBits = ReadBits(r);
    a.name = ReadName(r, source);
    a.finalLayerNorm = true;
    a.numKvHeads = a.numHeads;

    switch (a.family)
    {
        case Family::OPT:
            a.ffnSize = r.Positive("ffn_dim", "the MLP width", MAX_WIDTH);
            a.wordEmbedProjDim =
                r.PositiveOr("word_embed_proj_dim", "the embedding width", MAX_WIDTH, a.hiddenSize);
            a.maxPositions = a.maxContext + 2; // OPT's learned positions start at offset 2
            a.finalLayerNorm = r.BoolOr("do_layer_norm_before", true)
                               && !r.BoolOr("_remove_final_layer_norm", false);
            a.tiedHead = r.BoolOr("tie_word_embeddings", true);
            r.Require("enable_bias", true, true, "OPT without biases is not modeled");
            break;
        case Family::GPT2:
            a.ffnSize = r.PositiveOr("n_inner", "the MLP width", MAX_WIDTH, 4 * a.hiddenSize);
            a.maxPositions = a.maxContext;
            a.tiedHead = r.BoolOr("tie_word_embeddings", true);
            break;
        case Family::NEOX:
            a.ffnSize = r.Positive("intermediate_size", "the MLP width", MAX_WIDTH);
            a.tiedHead = r.BoolOr("tie_word_embeddings", false);
            r.Require("attention_bias", true, true, "GPT-NeoX without biases is not modeled");
            break;
        case Family::LLAMA:
        case Family::MISTRAL:
            a.ffnSize = r.Positive("intermediate_size", "the MLP width", MAX_WIDTH);
            a.tiedHead = r.BoolOr("tie_word_embeddings", false);
            a.numKvHeads = static_cast<uint32_t>(
                r.PositiveOr("num_key_value_heads", "key/value heads H_kv", MAX_WIDTH, a.numHeads));
            a.headDim = r.PositiveOr("head_dim", "the head dimension D", MAX_WIDTH, 0);
            r.Require("attention_bias", false, false, "biases in attention are not modeled");
            r.Require("mlp_bias", false, false, "biases in the MLP are not modeled");
            break;
    }

    if (a.headDim == 0)
    {
        if (a.hiddenSize % a.numHeads != 0)
        {
            r.Fail(headsKey,
                   "expected a divisor of " + dKey + " = " + std::to_string(a.hiddenSize)
                       + " (or a head_dim), got " + std::to_string(a.numHeads));
        }
        a.headDim = a.hiddenSize / a.numHeads;
    }
    else if (a.numHeads * a.headDim > MAX_WIDTH)
    {
        r.Fail("head_dim",
               "expected " + headsKey + " × head_dim of at most " + std::to_string(MAX_WIDTH)
                   + ", got " + std::to_string(a.numHeads) + " × " + std::to_string(a.headDim));
    }
    if (a.numKvHeads > a.numHeads || a.numHeads % a.numKvHeads != 0)
    {
        r.Fail("num_key_value_heads",
               "expected a divisor of " + headsKey + " = " + std::to_string(a.numHeads) + ", got "
                   + std::to_string(a.numKvHeads));
    }
    return a;
}

} // namespace ns3
