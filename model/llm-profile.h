// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_PROFILE_H
#define LLM_PROFILE_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief One placeable layer of an LLM (one element l of the paper's layer set 𝓛).
 *
 * A layer carries what the DILEMMA cost model needs: its parameter count p_l (storage, eq. 2e,
 * and the quantization ratio), its floating-point operations per token FLOPS_l (compute, eq. 3),
 * the number of activation elements it emits per token of one sequence (transfer, eq. 4) and the
 * data that bounds its weight error after b-bit truncation (eq. 5-7).
 */
struct LlmLayer
{
    std::string name;                   //!< Unique layer name, e.g. "decoder.0"
    uint64_t params{0};                 //!< p_l: number of weights (storage and quantization ratio)
    double flopsPerToken{0};            //!< FLOPS_l: floating-point operations for one token
    uint64_t outputElementsPerToken{0}; //!< Elements of the layer output for one token (eq. 4)
    double weightMaxAbs{0};             //!< R_l = max |w| over the layer weights (0: not given)
    std::map<uint32_t, double> weightError; //!< Measured weight error per bit width b (optional)

    /**
     * @brief Whether the analytic bound can be used (weight_max_abs was given).
     * @return true if weightMaxAbs > 0
     */
    bool HasWeightMaxAbs() const { return weightMaxAbs > 0; }

    /**
     * @brief Layer equality (all fields).
     * @param other the layer to compare with
     * @return true if every field is equal
     */
    bool operator==(const LlmLayer& other) const;
};

/**
 * @ingroup edge-llm
 * @brief Public architecture configuration of a decoder-only transformer.
 *
 * Built-in profiles are computed from these hyper-parameters (the values published in each
 * model's configuration), never from typed-in totals; LlmModelConfig reads them from a Hugging
 * Face config.json. The head fields (H, H_kv, D) and the context limit are what a memory model
 * needs (KV cache: 2 · H_kv · D elements per token and block).
 */
struct LlmArchitecture
{
    /// The decoder families: they decide biases, norms, the MLP and the position embedding.
    enum class Family
    {
        OPT,    //!< Meta OPT: learned positions (+2 rows), biases, LayerNorm, ReLU MLP, tied head
        LLAMA,  //!< Llama-2: rotary positions, no biases, RMSNorm, SwiGLU MLP, GQA, untied head
        GPT2,   //!< GPT-2: learned positions, biases, LayerNorm, GELU MLP, tied head (Conv1D)
        NEOX,   //!< GPT-NeoX / Pythia: rotary, biases, LayerNorm, parallel blocks, untied head
        MISTRAL //!< Mistral: as LLAMA (GQA; the sliding window holds no weights)
    };

    std::string name;             //!< Profile name, e.g. "opt-350m"
    Family family{Family::OPT};   //!< Decoder family
    uint64_t vocabSize{0};        //!< Vocabulary size V
    uint64_t hiddenSize{0};       //!< Model width d (hidden_size)
    uint64_t ffnSize{0};          //!< MLP inner width (ffn_dim / intermediate_size)
    uint32_t numLayers{0};        //!< Decoder blocks
    uint32_t numHeads{0};         //!< Attention (query) heads H (0: unknown, q is d × d)
    uint32_t numKvHeads{0};       //!< Key/value heads H_kv (< H: grouped-query; 0: H)
    uint64_t headDim{0};          //!< Head dimension D (0: d / H)
    uint64_t maxContext{0};       //!< Context limit, tokens (max_position_embeddings)
    uint64_t maxPositions{0};     //!< Learned position rows (OPT: context + 2; GPT-2: context)
    uint64_t wordEmbedProjDim{0}; //!< OPT word_embed_proj_dim (!= d adds project_in/out)
    bool finalLayerNorm{true};    //!< A final norm before the head (OPT: do_layer_norm_before)
    bool tiedHead{true};          //!< The LM head reuses the token-embedding matrix
    uint32_t originalBits{32};    //!< Bit width the weights were trained/stored with
    double weightMaxAbs{0.3};     //!< R assumed for every layer (no per-layer statistics given)

    /**
     * @brief H_kv, the key/value heads.
     * @return numKvHeads, or numHeads when numKvHeads is 0
     */
    uint32_t GetKvHeads() const;

    /**
     * @brief D, the dimension of one head.
     * @return headDim, or d / H when headDim is 0 (0 when H is unknown)
     */
    uint64_t GetHeadDim() const;

    /**
     * @brief Architecture equality (all fields).
     * @param other the architecture to compare with
     * @return true if every field is equal
     */
    bool operator==(const LlmArchitecture& other) const;
};

/**
 * @ingroup edge-llm
 * @brief An LLM as an ordered list of layers plus its original bit precision.
 *
 * Layers are ordered as the token flows through them: token embedding (with positions and
 * projections where the model has them), one entry per decoder block, final head.
 */
class LlmProfile
{
  public:
    LlmProfile() = default;

    /**
     * @brief Build a profile from explicit layers.
     * @param name model name
     * @param originalBits bit precision of the original weights
     * @param layers ordered layers
     */
    LlmProfile(std::string name, uint32_t originalBits, std::vector<LlmLayer> layers);

    /**
     * @brief Build the layer list of a decoder-only transformer from its configuration.
     *
     * Parameters count every weight and bias; tied weights are counted once (in the embedding).
     * Attention projections are q: d × (H·D), k and v: d × (H_kv·D), o: (H·D) × d (4d² when
     * H·D = d and H_kv = H). FLOPs per token count the matrix multiplies, 2 per weight-matrix
     * element (attention score/softmax FLOPs, which depend on the context length, are not counted).
     * @param arch the architecture configuration
     * @return the profile
     */
    static LlmProfile FromArchitecture(const LlmArchitecture& arch);

    /**
     * @brief The built-in profile with the given name.
     * @param name one of BuiltInNames()
     * @return the profile
     * @throws LlmInputError if the name is unknown
     */
    static LlmProfile BuiltIn(const std::string& name);

    /**
     * @brief Whether a built-in profile has this name.
     * @param name the name to test
     * @return true if BuiltIn(name) succeeds
     */
    static bool IsBuiltIn(const std::string& name);

    /**
     * @brief Names of the built-in profiles.
     * @return "opt-125m", "opt-350m", "opt-1.3b", "opt-6.7b", "llama-2-7b", "llama-2-13b",
     *         "llama-2-70b"
     */
    static std::vector<std::string> BuiltInNames();

    /**
     * @brief The published architecture configuration of a built-in profile.
     * @param name one of BuiltInNames()
     * @return the configuration
     * @throws LlmInputError if the name is unknown
     */
    static LlmArchitecture BuiltInArchitecture(const std::string& name);

    /// @return the model name
    const std::string& GetName() const;
    /// @return the original bit precision (b_max of the paper)
    uint32_t GetOriginalBits() const;
    /// @return the ordered layers
    const std::vector<LlmLayer>& GetLayers() const;
    /// @return the number of layers |𝓛|
    std::size_t GetNLayers() const;
    /**
     * @brief One layer.
     * @param l layer index, 0-based
     * @return the layer
     */
    const LlmLayer& GetLayer(std::size_t l) const;
    /// @return Σ_l p_l
    uint64_t GetTotalParams() const;
    /// @return Σ_l FLOPS_l
    double GetTotalFlopsPerToken() const;

    /**
     * @brief Profile equality (name, bits, layers).
     * @param other the profile to compare with
     * @return true if equal
     */
    bool operator==(const LlmProfile& other) const;

  private:
    std::string m_name;             //!< Model name
    uint32_t m_originalBits{32};    //!< Original bit precision
    std::vector<LlmLayer> m_layers; //!< Ordered layers
};

} // namespace ns3

#endif // LLM_PROFILE_H
