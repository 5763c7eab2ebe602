// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SAFETENSORS_H
#define LLM_SAFETENSORS_H

#include "llm-tensor.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Reads activation tensors from a .safetensors file (the format of Hugging Face's
 *        `safetensors` library) and writes such files.
 *
 * The format: an 8-byte little-endian header length N, N bytes of JSON
 * `{"NAME": {"dtype": "F32", "shape": [T, d], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {...}}` (offsets relative to the byte after the header), then the data,
 * little-endian, row-major.
 *
 * The constructor reads and checks the header; Load reads one tensor as a T×d float tensor:
 * dtype F32, F16 or BF16; shape [T, d], or [1, T, d] (a batch of one, as activation dumps
 * from `model(...).hidden_states[l]` have) flattened to T×d. Refused with LlmInputError naming
 * the file, the field and what was expected: a missing file; a file shorter than its header
 * length says (truncated) or a header length above MAX_HEADER_BYTES; a header that is not a
 * JSON object, or an entry without a string dtype, an array of non-negative integer shape or
 * two data offsets begin ≤ end; offsets beyond the data (truncated); offsets that disagree with
 * shape × dtype size (for every dtype the format defines; shape products checked against
 * overflow); and at Load an unknown name (the names the file has are listed), a dtype other
 * than F32/F16/BF16, another rank or batch, or an empty tensor.
 */
class LlmSafetensors
{
  public:
    /// Element types Load reads and Write writes.
    enum class Dtype
    {
        F32,  //!< IEEE binary32
        F16,  //!< IEEE binary16
        BF16, //!< bfloat16
    };

    /// One tensor of the header.
    struct Entry
    {
        std::string name;            //!< Its key
        std::string dtype;           //!< As written ("F32", "I64", ...)
        std::vector<uint64_t> shape; //!< Its dimensions
        uint64_t begin{0};           //!< First byte, relative to the data
        uint64_t end{0};             //!< One past the last byte
    };

    /// Largest header accepted, bytes (a guard against an absurd length field).
    static constexpr uint64_t MAX_HEADER_BYTES = 100000000;

    /**
     * @brief Open a file and check its header.
     * @param path the file
     * @throws LlmInputError on a missing file or a bad header
     */
    explicit LlmSafetensors(const std::string& path);

    /// @return the tensors of the header, sorted by name
    const std::vector<Entry>& GetEntries() const;

    /**
     * @brief Load one tensor as T×d floats.
     * @param name its name
     * @return the tensor
     * @throws LlmInputError (see the class)
     */
    LlmTensor Load(const std::string& name) const;

    /**
     * @brief Write tensors to a file, each with shape [T, d].
     * @param path the file
     * @param tensors names and tensors (names unique, not "__metadata__")
     * @param dtype the element type written (F16 refuses values beyond ±65504)
     * @param metadata the "__metadata__" strings (none: no such entry)
     * @throws LlmInputError on a bad name, a value the dtype cannot hold, or a failed write
     */
    static void Write(const std::string& path,
                      const std::vector<std::pair<std::string, LlmTensor>>& tensors,
                      Dtype dtype,
                      const std::map<std::string, std::string>& metadata = {});

    /**
     * @brief The format's name of a dtype.
     * @param dtype the dtype
     * @return "F32", "F16" or "BF16"
     */
    static std::string ToString(Dtype dtype);

  private:
    std::string m_path;           //!< The file
    uint64_t m_dataOffset{0};     //!< 8 + N
    uint64_t m_dataBytes{0};      //!< Bytes after the header
    std::vector<Entry> m_entries; //!< The tensors
};

} // namespace ns3

#endif // LLM_SAFETENSORS_H
