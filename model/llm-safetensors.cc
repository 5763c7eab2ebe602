// SPDX-License-Identifier: GPL-2.0-only

#include "llm-safetensors.h"

#include "llm-half-float.h"
#include "llm-input-error.h"
#include "llm-strict-json.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

namespace ns3
{

namespace
{

/// Bytes per element of the dtypes the format defines (0: unknown to us).
uint64_t
DtypeSize(const std::string& dtype)
{
    static const std::map<std::string, uint64_t> sizes = {
        {"BOOL", 1},
        {"U8", 1},
        {"I8", 1},
        {"F8_E5M2", 1},
        {"F8_E4M3", 1},
        {"I16", 2},
        {"U16", 2},
        {"F16", 2},
        {"BF16", 2},
        {"I32", 4},
        {"U32", 4},
        {"F32", 4},
        {"I64", 8},
        {"U64", 8},
        {"F64", 8},
    };
    const auto it = sizes.find(dtype);
    return it == sizes.end() ? 0 : it->second;
}

/// The field of a tensor in errors: "NAME".key
std::string
Field(const std::string& name, const std::string& key)
{
    return "\"" + name + "\"" + (key.empty() ? "" : "." + key);
}

/// "[1, 2, 3]"
std::string
ShapeText(const std::vector<uint64_t>& shape)
{
    std::string s = "[";
    for (std::size_t k = 0; k < shape.size(); ++k)
    {
        s += (k ? ", " : "") + std::to_string(shape[k]);
    }
    return s + "]";
}

/// A non-negative integer of the header, or nothing.
bool
Unsigned(const nlohmann::json& v, uint64_t& out)
{
    if (!v.is_number_unsigned())
    {
        return false;
    }
    out = v.get<uint64_t>();
    return true;
}

} // namespace

LlmSafetensors::LlmSafetensors(const std::string& path)
    : m_path(path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw LlmInputError(path, "", "cannot open the file for reading");
    }
    in.seekg(0, std::ios::end);
    const std::streamoff end = in.tellg();
    in.seekg(0, std::ios::beg);
    if (end < 0 || !in)
    {
        throw LlmInputError(path, "", "cannot read the file (not a regular file?)");
    }
    const auto fileBytes = static_cast<uint64_t>(end);
    uint8_t lengthBytes[8];
    if (fileBytes < 8 || !in.read(reinterpret_cast<char*>(lengthBytes), 8))
    {
        throw LlmInputError(path,
                            "header length",
                            "expected an 8-byte little-endian header length, the file has "
                                + std::to_string(fileBytes) + " bytes");
    }
    uint64_t n = 0;
    for (int k = 7; k >= 0; --k)
    {
        n = n << 8 | lengthBytes[k];
    }
    if (n > MAX_HEADER_BYTES)
    {
        throw LlmInputError(path,
                            "header length",
                            "expected at most " + std::to_string(MAX_HEADER_BYTES)
                                + " bytes of JSON header, got " + std::to_string(n));
    }
    if (n > fileBytes - 8)
    {
        throw LlmInputError(path,
                            "header length",
                            "expected at most the " + std::to_string(fileBytes - 8)
                                + " bytes the file has after it, got " + std::to_string(n)
                                + " (a truncated file?)");
    }
    std::string text(static_cast<std::size_t>(n), '\0');
    if (!in.read(text.data(), static_cast<std::streamsize>(n)))
    {
        throw LlmInputError(path, "header", "cannot read the header");
    }
    m_dataOffset = 8 + n;
    m_dataBytes = fileBytes - m_dataOffset;

    const nlohmann::json header = LlmStrictJson::Parse(text, path + ": header");
    if (!header.is_object())
    {
        throw LlmInputError(path, "header", "expected a JSON object of tensors");
    }
    for (const auto& [name, v] : header.items())
    {
        if (name == "__metadata__")
        {
            if (!v.is_object())
            {
                throw LlmInputError(path, Field(name, ""), "expected an object of strings");
            }
            continue;
        }
        if (!v.is_object())
        {
            throw LlmInputError(path,
                                Field(name, ""),
                                "expected an object with dtype, shape and data_offsets");
        }
        Entry e;
        e.name = name;
        const auto dtype = v.find("dtype");
        if (dtype == v.end() || !dtype->is_string())
        {
            throw LlmInputError(path, Field(name, "dtype"), "expected a string such as \"F32\"");
        }
        e.dtype = dtype->get<std::string>();
        const auto shape = v.find("shape");
        if (shape == v.end() || !shape->is_array())
        {
            throw LlmInputError(path, Field(name, "shape"), "expected an array of dimensions");
        }
        uint64_t elements = 1;
        bool overflow = false;
        for (const nlohmann::json& dim : *shape)
        {
            uint64_t size = 0;
            if (!Unsigned(dim, size))
            {
                throw LlmInputError(path,
                                    Field(name, "shape"),
                                    "expected non-negative integer dimensions, got " + dim.dump());
            }
            e.shape.push_back(size);
            if (size != 0 && elements > std::numeric_limits<uint64_t>::max() / size)
            {
                overflow = true;
            }
            elements *= size;
        }
        const auto offsets = v.find("data_offsets");
        if (offsets == v.end() || !offsets->is_array() || offsets->size() != 2
            || !Unsigned((*offsets)[0], e.begin) || !Unsigned((*offsets)[1], e.end)
            || e.begin > e.end)
        {
            throw LlmInputError(path,
                                Field(name, "data_offsets"),
                                "expected [begin, end], integers with begin <= end");
        }
        if (e.end > m_dataBytes)
        {
            throw LlmInputError(path,
                                Field(name, "data_offsets"),
                                "expected offsets within the " + std::to_string(m_dataBytes)
                                    + " bytes of data, got [" + std::to_string(e.begin) + ", "
                                    + std::to_string(e.end) + "] (a truncated file?)");
        }
        const uint64_t size = DtypeSize(e.dtype);
        if (size != 0
            && (overflow || elements > std::numeric_limits<uint64_t>::max() / size
                || e.end - e.begin != elements * size))
        {
            throw LlmInputError(path,
                                Field(name, "data_offsets"),
                                "expected " + std::to_string(e.end - e.begin)
                                    + " bytes to match shape " + ShapeText(e.shape) + " of "
                                    + e.dtype + " (" + std::to_string(size)
                                    + " bytes each), which needs "
                                    + (overflow ? std::string("more than 2^64")
                                                : std::to_string(elements) + " elements"));
        }
        m_entries.push_back(std::move(e));
    }
}

const std::vector<LlmSafetensors::Entry>&
LlmSafetensors::GetEntries() const
{
    return m_entries;
}

LlmTensor
LlmSafetensors::Load(const std::string& name) const
{
    const Entry* e = nullptr;
    for (const Entry& candidate : m_entries)
    {
        if (candidate.name == name)
        {
            e = &candidate;
        }
    }
    if (!e)
    {
        std::string names;
        std::size_t listed = 0;
        for (const Entry& candidate : m_entries)
        {
            if (listed == 20)
            {
                names += ", ... (" + std::to_string(m_entries.size()) + " in all)";
                break;
            }
            names += (listed++ ? ", " : "") + candidate.name;
        }
        throw LlmInputError(m_path,
                            "tensor",
                            "no tensor named \"" + name + "\"; the file has: "
                                + (names.empty() ? std::string("none") : names));
    }
    if (e->dtype != "F32" && e->dtype != "F16" && e->dtype != "BF16")
    {
        throw LlmInputError(m_path,
                            Field(name, "dtype"),
                            "expected F32, F16 or BF16, got " + e->dtype);
    }
    std::size_t tokens = 0;
    std::size_t hidden = 0;
    if (e->shape.size() == 2)
    {
        tokens = e->shape[0];
        hidden = e->shape[1];
    }
    else if (e->shape.size() == 3 && e->shape[0] == 1)
    {
        tokens = e->shape[1];
        hidden = e->shape[2];
    }
    else
    {
        throw LlmInputError(m_path,
                            Field(name, "shape"),
                            "expected [T, d] or [1, T, d] (a batch of one), got "
                                + ShapeText(e->shape));
    }
    if (tokens == 0 || hidden == 0)
    {
        throw LlmInputError(m_path,
                            Field(name, "shape"),
                            "expected a non-empty tensor, got " + ShapeText(e->shape));
    }
    // The header check made (end − begin) = T·d·size, within the file.
    std::vector<uint8_t> raw(e->end - e->begin);
    std::ifstream in(m_path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(m_dataOffset + e->begin));
    if (!in
        || !in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size())))
    {
        throw LlmInputError(m_path,
                            Field(name, "data_offsets"),
                            "cannot read the tensor's bytes (the file changed or is truncated)");
    }
    LlmTensor x(tokens, hidden);
    const uint8_t* p = raw.data();
    if (e->dtype == "F32")
    {
        for (float& v : x.data)
        {
            const uint32_t bits = static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8
                                  | static_cast<uint32_t>(p[2]) << 16
                                  | static_cast<uint32_t>(p[3]) << 24;
            std::memcpy(&v, &bits, sizeof(v));
            p += 4;
        }
    }
    else
    {
        const bool half = e->dtype == "F16";
        for (float& v : x.data)
        {
            const auto bits = static_cast<uint16_t>(p[0] | p[1] << 8);
            v = half ? LlmHalfFloat::ToFloat(bits) : LlmHalfFloat::FromBfloat16(bits);
            p += 2;
        }
    }
    return x;
}

std::string
LlmSafetensors::ToString(Dtype dtype)
{
    switch (dtype)
    {
        case Dtype::F32:
            return "F32";
        case Dtype::F16:
            return "F16";
        case Dtype::BF16:
            return "BF16";
    }
    return "F32";
}

void
LlmSafetensors::Write(const std::string& path,
                      const std::vector<std::pair<std::string, LlmTensor>>& tensors,
                      Dtype dtype,
                      const std::map<std::string, std::string>& metadata)
{
    const uint64_t size = dtype == Dtype::F32 ? 4 : 2;
    nlohmann::json header = nlohmann::json::object();
    std::set<std::string> names;
    uint64_t offset = 0;
    for (const auto& [name, x] : tensors)
    {
        if (name == "__metadata__" || !names.insert(name).second)
        {
            throw LlmInputError(path,
                                Field(name, ""),
                                "expected unique tensor names other than __metadata__");
        }
        if (x.data.size() != x.tokens * x.hidden)
        {
            throw LlmInputError(path, Field(name, ""), "expected T·d values");
        }
        const uint64_t bytes = x.data.size() * size;
        header[name] = {{"dtype", ToString(dtype)},
                        {"shape", {x.tokens, x.hidden}},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    if (!metadata.empty())
    {
        header["__metadata__"] = metadata;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' '); // the data starts 8-byte aligned
    std::vector<uint8_t> out(8 + text.size());
    for (int k = 0; k < 8; ++k)
    {
        out[k] = static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * k));
    }
    std::memcpy(out.data() + 8, text.data(), text.size());
    out.reserve(out.size() + offset);
    // The data in the input order, as the offsets were assigned (the header's keys are sorted).
    for (const auto& [name, x] : tensors)
    {
        for (std::size_t k = 0; k < x.data.size(); ++k)
        {
            const float v = x.data[k];
            if (dtype == Dtype::F32)
            {
                uint32_t bits;
                std::memcpy(&bits, &v, sizeof(bits));
                for (int b = 0; b < 4; ++b)
                {
                    out.push_back(static_cast<uint8_t>(bits >> (8 * b)));
                }
                continue;
            }
            uint16_t bits = 0;
            if (dtype == Dtype::F16)
            {
                bits = LlmHalfFloat::FromFloat(v);
                if (std::isfinite(v) && (bits & 0x7C00U) == 0x7C00U)
                {
                    throw LlmInputError(path,
                                        Field(name, "") + "[" + std::to_string(k / x.hidden) + ", "
                                            + std::to_string(k % x.hidden) + "]",
                                        "expected a value within F16's range ±65504");
                }
            }
            else
            {
                bits = LlmHalfFloat::ToBfloat16(v);
            }
            out.push_back(static_cast<uint8_t>(bits));
            out.push_back(static_cast<uint8_t>(bits >> 8));
        }
    }
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
    file.close();
    if (!file)
    {
        throw LlmInputError(path, "", "cannot write the file");
    }
}

} // namespace ns3
