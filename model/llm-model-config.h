// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_MODEL_CONFIG_H
#define LLM_MODEL_CONFIG_H

#include "llm-profile.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Reads a Hugging Face `config.json` into an LlmArchitecture ("your own model").
 *
 * The family comes from `model_type` ("opt", "llama", "gpt2", "gpt_neox", "mistral"; when
 * `model_type` is absent, from the first entry of `architectures`, e.g. "LlamaForCausalLM").
 * Each family's own field names are read:
 *
 * | family   | d           | blocks            | H                   | MLP width         |
 * |----------|-------------|-------------------|---------------------|-------------------|
 * | opt      | hidden_size | num_hidden_layers | num_attention_heads | ffn_dim           |
 * | llama    | hidden_size | num_hidden_layers | num_attention_heads | intermediate_size |
 * | mistral  | hidden_size | num_hidden_layers | num_attention_heads | intermediate_size |
 * | gpt2     | n_embd      | n_layer           | n_head              | n_inner (4·d)     |
 * | gpt_neox | hidden_size | num_hidden_layers | num_attention_heads | intermediate_size |
 *
 * plus `vocab_size` and the context limit (`max_position_embeddings`, GPT-2 `n_positions`);
 * OPT's `word_embed_proj_dim` (default d), `do_layer_norm_before` (default true) and
 * `_remove_final_layer_norm` (default false); Llama/Mistral `num_key_value_heads` (default H)
 * and `head_dim` (default d / H); `tie_word_embeddings` (default true for OPT and GPT-2, false
 * for the others). `torch_dtype` (or `dtype`) sets the original bit width: float32 → 32,
 * float16 and bfloat16 → 16, float64 → 64; absent or null → 32 (the built-in profiles' width,
 * and what PyTorch loads by default). The profile name is `_name_or_path`, else the file stem.
 *
 * Refused, each with the file, the field and the expectation: text that is not JSON (checked
 * by LlmStrictJson), an unknown or missing model type, a missing required field, a value of
 * the wrong type (a string where a number belongs), a non-positive or absurdly large width,
 * H not dividing d (without `head_dim`), H_kv not dividing H, an unknown `torch_dtype`, and
 * variants the profile does not model (OPT or GPT-NeoX without biases, Llama with biases).
 * Fields not listed above are ignored: real configurations carry many (rope_theta,
 * bos_token_id, ...) that hold no weights.
 */
class LlmModelConfig
{
  public:
    LlmModelConfig() = delete;

    /// Largest width accepted (d, MLP width, H·D): keeps every count within 64 bits.
    static constexpr uint64_t MAX_WIDTH = uint64_t{1} << 20;
    /// Largest vocabulary accepted.
    static constexpr uint64_t MAX_VOCAB = uint64_t{1} << 24;
    /// Largest context limit accepted, tokens.
    static constexpr uint64_t MAX_CONTEXT = uint64_t{1} << 32;
    /// Most decoder blocks accepted (each becomes a layer of the profile).
    static constexpr uint32_t MAX_BLOCKS = 65536;

    /**
     * @brief Read a config.json file.
     * @param path the file
     * @return the architecture (name: `_name_or_path`, else the file stem)
     * @throws LlmInputError naming the file, the field and what was expected
     */
    static LlmArchitecture Read(const std::string& path);

    /**
     * @brief Parse the text of a config.json.
     * @param text the JSON text
     * @param source the name errors give it (the file name; its stem names an unnamed model)
     * @return the architecture
     * @throws LlmInputError naming the source, the field and what was expected
     */
    static LlmArchitecture Parse(const std::string& text, const std::string& source);

    /**
     * @brief The model_type values understood.
     * @return "opt", "llama", "gpt2", "gpt_neox", "mistral"
     */
    static std::vector<std::string> SupportedModelTypes();
};

} // namespace ns3

#endif // LLM_MODEL_CONFIG_H
