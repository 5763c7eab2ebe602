// SPDX-License-Identifier: GPL-2.0-only

#include "llm-profile.h"

#include "llm-input-error.h"
#include "ns3/assert.h"
#include "ns3/log.h"

#include <algorithm>
#include <numeric>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmProfile");

bool
LlmLayer::operator==(const LlmLayer& other) const
{
    return name == other.name && params == other.params && flopsPerToken == other.flopsPerToken
           && outputElementsPerToken == other.outputElementsPerToken
           && weightMaxAbs == other.weightMaxAbs && weightError == other.weightError;
}

LlmProfile::LlmProfile(std::string name, uint32_t originalBits, std::vector<LlmLayer> layers)
    : m_name(std::move(name))
    , m_originalBits(originalBits)
    , m_layers(std::move(layers))
{
}

uint32_t
LlmArchitecture::GetKvHeads() const
{
    return numKvHeads != 0 ? numKvHeads : numHeads;
}

uint64_t
LlmArchitecture::GetHeadDim() const
{
    if (headDim != 0)
    {
        return headDim;
    }
    return numHeads != 0 ? hiddenSize / numHeads : 0;
}

bool
LlmArchitecture::operator==(const LlmArchitecture& o) const
{
    return name == o.name && family == o.family && vocabSize == o.vocabSize
           && hiddenSize == o.hiddenSize && ffnSize == o.ffnSize && numLayers == o.numLayers
           && numHeads == o.numHeads && numKvHeads == o.numKvHeads && headDim == o.headDim
           && maxContext == o.maxContext && maxPositions == o.maxPositions
           && wordEmbedProjDim == o.wordEmbedProjDim && finalLayerNorm == o.finalLayerNorm
           && tiedHead == o.tiedHead && originalBits == o.originalBits
           && weightMaxAbs == o.weightMaxAbs;
}

LlmProfile
LlmProfile::FromArchitecture(const LlmArchitecture& a)
{
    NS_LOG_FUNCTION(a.name);
    using Family = LlmArchitecture::Family;
    const uint64_t d = a.hiddenSize;
    const bool opt = a.family == Family::OPT;
    // OPT, GPT-2 and GPT-NeoX: biases on every linear map, LayerNorm (weight and bias), a
    // two-matrix MLP. Llama and Mistral: no biases, RMSNorm (a weight), gate/up/down (SwiGLU).
    const bool gpt = opt || a.family == Family::GPT2 || a.family == Family::NEOX;
    // OPT and GPT-2 learn a position table; the rotary families have no position weights.
    const bool learnedPositions = opt || a.family == Family::GPT2;
    // OPT-350m embeds tokens in word_embed_proj_dim and projects in/out of the model width.
    const uint64_t e = (opt && a.wordEmbedProjDim != 0) ? a.wordEmbedProjDim : d;
    const bool projected = e != d;
    const uint64_t norm = gpt ? 2 * d : d; // LayerNorm has weight and bias, RMSNorm a weight

    std::vector<LlmLayer> layers;

    // Token embedding (+ learned positions, + project_in): a lookup, the projection multiplies.
    LlmLayer embed;
    embed.name = "embedding";
    uint64_t embedMatmul = projected ? e * d : 0;
    embed.params = a.vocabSize * e + (learnedPositions ? a.maxPositions * d : 0) + embedMatmul;
    embed.flopsPerToken = 2.0 * static_cast<double>(embedMatmul);
    embed.outputElementsPerToken = d;
    embed.weightMaxAbs = a.weightMaxAbs;
    layers.push_back(embed);

    // Decoder blocks: attention (q: d × H·D, k and v: d × H_kv·D, o: H·D × d), MLP, two norms.
    // GPT-2's Conv1D and GPT-NeoX's fused query_key_value hold the same weights as q, k, v.
    const uint64_t qWidth = a.numHeads != 0 ? a.numHeads * a.GetHeadDim() : d;
    const uint64_t kvWidth = a.numHeads != 0 ? a.GetKvHeads() * a.GetHeadDim() : d;
    uint64_t attnMatmul = 2 * d * qWidth + 2 * d * kvWidth;
    uint64_t mlpMatmul = (gpt ? 2 : 3) * d * a.ffnSize; // fc1+fc2, or gate+up+down (SwiGLU)
    uint64_t blockParams = attnMatmul + mlpMatmul + 2 * norm;
    if (gpt)
    {
        blockParams += qWidth + 2 * kvWidth + d + a.ffnSize + d; // biases of q,k,v,o, fc1, fc2
    }
    for (uint32_t k = 0; k < a.numLayers; ++k)
    {
        LlmLayer block;
        block.name = "decoder." + std::to_string(k);
        block.params = blockParams;
        block.flopsPerToken = 2.0 * static_cast<double>(attnMatmul + mlpMatmul);
        block.outputElementsPerToken = d;
        block.weightMaxAbs = a.weightMaxAbs;
        layers.push_back(block);
    }

    // Head: final norm, project_out, LM head (its matrix counted once when tied).
    LlmLayer head;
    head.name = "head";
    uint64_t headMatmul = (projected ? d * e : 0) + e * a.vocabSize;
    head.params = (a.finalLayerNorm ? norm : 0) + (projected ? d * e : 0)
                  + (a.tiedHead ? 0 : a.vocabSize * e);
    head.flopsPerToken = 2.0 * static_cast<double>(headMatmul);
    head.outputElementsPerToken = a.vocabSize;
    head.weightMaxAbs = a.weightMaxAbs;
    layers.push_back(head);

    return LlmProfile(a.name, a.originalBits, std::move(layers));
}

std::vector<std::string>
LlmProfile::BuiltInNames()
{
    return {"opt-125m",
            "opt-350m",
            "opt-1.3b",
            "opt-6.7b",
            "llama-2-7b",
            "llama-2-13b",
            "llama-2-70b"};
}

LlmArchitecture
LlmProfile::BuiltInArchitecture(const std::string& name)
{
    // Values of the public configuration files (Hugging Face config.json of facebook/opt-*
    // and meta-llama/Llama-2-{7b,13b,70b}-hf). OPT learns max_position_embeddings + 2 position
    // rows; D = d / H for all of them.
    LlmArchitecture a;
    a.name = name;
    if (name.rfind("opt-", 0) == 0)
    {
        a.family = LlmArchitecture::Family::OPT;
        a.vocabSize = 50272;
        a.maxContext = 2048;
        a.maxPositions = 2048 + 2;
        a.tiedHead = true;
        a.finalLayerNorm = true;
        if (name == "opt-125m")
        {
            a.hiddenSize = 768;
            a.ffnSize = 3072;
            a.numHeads = 12;
            a.numKvHeads = 12;
            a.headDim = 64;
            a.numLayers = 12;
            a.wordEmbedProjDim = 768;
            return a;
        }
        if (name == "opt-350m")
        {
            a.hiddenSize = 1024;
            a.ffnSize = 4096;
            a.numHeads = 16;
            a.numKvHeads = 16;
            a.headDim = 64;
            a.numLayers = 24;
            a.wordEmbedProjDim = 512;
            a.finalLayerNorm = false; // do_layer_norm_before = false
            return a;
        }
        if (name == "opt-1.3b")
        {
            a.hiddenSize = 2048;
            a.ffnSize = 8192;
            a.numHeads = 32;
            a.numKvHeads = 32;
            a.headDim = 64;
            a.numLayers = 24;
            a.wordEmbedProjDim = 2048;
            return a;
        }
        if (name == "opt-6.7b")
        {
            a.hiddenSize = 4096;
            a.ffnSize = 16384;
            a.numHeads = 32;
            a.numKvHeads = 32;
            a.headDim = 128;
            a.numLayers = 32;
            a.wordEmbedProjDim = 4096;
            return a;
        }
    }
    if (name.rfind("llama-2-", 0) == 0)
    {
        a.family = LlmArchitecture::Family::LLAMA;
        a.vocabSize = 32000;
        a.maxContext = 4096;
        a.maxPositions = 0; // rotary embeddings have no weights
        a.tiedHead = false;
        a.finalLayerNorm = true;
        a.headDim = 128;
        if (name == "llama-2-7b")
        {
            a.hiddenSize = 4096;
            a.ffnSize = 11008;
            a.numLayers = 32;
            a.numHeads = 32;
            a.numKvHeads = 32;
            return a;
        }
        if (name == "llama-2-13b")
        {
            a.hiddenSize = 5120;
            a.ffnSize = 13824;
            a.numLayers = 40;
            a.numHeads = 40;
            a.numKvHeads = 40;
            return a;
        }
        if (name == "llama-2-70b")
        {
            a.hiddenSize = 8192;
            a.ffnSize = 28672;
            a.numLayers = 80;
            a.numHeads = 64;
            a.numKvHeads = 8; // grouped-query attention: k_proj, v_proj are d × 1024
            return a;
        }
    }
    std::string known;
    for (const auto& n : BuiltInNames())
    {
        known += (known.empty() ? "" : ", ") + n;
    }
    throw LlmInputError("built-in profiles",
                        "",
                        "unknown model \"" + name + "\" (expected one of: " + known + ")");
}

bool
LlmProfile::IsBuiltIn(const std::string& name)
{
    const auto names = BuiltInNames();
    return std::find(names.begin(), names.end(), name) != names.end();
}

LlmProfile
LlmProfile::BuiltIn(const std::string& name)
{
    return FromArchitecture(BuiltInArchitecture(name));
}

const std::string&
LlmProfile::GetName() const
{
    return m_name;
}

uint32_t
LlmProfile::GetOriginalBits() const
{
    return m_originalBits;
}

const std::vector<LlmLayer>&
LlmProfile::GetLayers() const
{
    return m_layers;
}

std::size_t
LlmProfile::GetNLayers() const
{
    return m_layers.size();
}

const LlmLayer&
LlmProfile::GetLayer(std::size_t l) const
{
    NS_ASSERT_MSG(l < m_layers.size(), "layer index " << l << " out of range");
    return m_layers[l];
}

uint64_t
LlmProfile::GetTotalParams() const
{
    return std::accumulate(m_layers.begin(),
                           m_layers.end(),
                           uint64_t{0},
                           [](uint64_t s, const LlmLayer& l) { return s + l.params; });
}

double
LlmProfile::GetTotalFlopsPerToken() const
{
    return std::accumulate(m_layers.begin(), m_layers.end(), 0.0, [](double s, const LlmLayer& l) {
        return s + l.flopsPerToken;
    });
}

bool
LlmProfile::operator==(const LlmProfile& other) const
{
    return m_name == other.m_name && m_originalBits == other.m_originalBits
           && m_layers == other.m_layers;
}

} // namespace ns3
