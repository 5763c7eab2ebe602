// SPDX-License-Identifier: GPL-2.0-only

#include "llm-scenario.h"

#include "llm-input-error.h"
#include "ns3/log.h"
#include "ns3/rng-stream.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmScenario");

namespace
{

using Json = nlohmann::ordered_json;

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

/// Text of a number for "got ..." in messages.
std::string
Got(double v)
{
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof(buf), v); // shortest text that reads back as v
    return std::string(buf, res.ptr);
}

/**
 * Reads typed fields out of JSON objects, naming file and JSON path in every error.
 */
class JsonReader
{
  public:
    explicit JsonReader(std::string source)
        : m_source(std::move(source))
    {
    }

    [[noreturn]] void Fail(const std::string& path, const std::string& what) const
    {
        throw LlmInputError(m_source, path, what);
    }

    /// Require an object at `path`; refuse keys not in `allowed`.
    void Object(const Json& j,
                const std::string& path,
                const std::string& expected,
                const std::set<std::string>& allowed) const
    {
        if (!j.is_object())
        {
            Fail(path.empty() ? "(top level)" : path, "expected " + expected + ", got " + Got(j));
        }
        for (const auto& item : j.items())
        {
            if (allowed.count(item.key()) == 0)
            {
                std::string list;
                for (const auto& a : allowed)
                {
                    list += (list.empty() ? "" : ", ") + a;
                }
                Fail(Join(path, item.key()), "unknown field (expected one of: " + list + ")");
            }
        }
    }

    /// The member `key` of object `j`; missing is an error.
    const Json& Member(const Json& j,
                       const std::string& path,
                       const std::string& key,
                       const std::string& expected) const
    {
        auto it = j.find(key);
        if (it == j.end())
        {
            Fail(Join(path, key), "missing field (expected " + expected + ")");
        }
        return *it;
    }

    double Number(const Json& v, const std::string& path, const std::string& expected) const
    {
        if (!v.is_number())
        {
            Fail(path, "expected " + expected + ", got " + Got(v));
        }
        return v.get<double>();
    }

    uint64_t Integer(const Json& v, const std::string& path, const std::string& expected) const
    {
        if (v.is_number_unsigned())
        {
            return v.get<uint64_t>();
        }
        if (v.is_number_float())
        {
            double d = v.get<double>();
            if (d >= 0 && d < 1.8e19 && std::floor(d) == d)
            {
                return static_cast<uint64_t>(d);
            }
        }
        Fail(path, "expected " + expected + ", got " + Got(v));
    }

    uint32_t Integer32(const Json& v, const std::string& path, const std::string& expected) const
    {
        uint64_t x = Integer(v, path, expected);
        if (x > UINT32_MAX)
        {
            Fail(path, "expected " + expected + " below 2^32, got " + Got(v));
        }
        return static_cast<uint32_t>(x);
    }

    std::string String(const Json& v, const std::string& path, const std::string& expected) const
    {
        if (!v.is_string() || v.get<std::string>().empty())
        {
            Fail(path, "expected " + expected + ", got " + Got(v));
        }
        return v.get<std::string>();
    }

    const Json& Array(const Json& v, const std::string& path, const std::string& expected) const
    {
        if (!v.is_array())
        {
            Fail(path, "expected " + expected + ", got " + Got(v));
        }
        return v;
    }

    static std::string Join(const std::string& path, const std::string& key)
    {
        return path.empty() ? key : path + "." + key;
    }

    static std::string Index(const std::string& path, std::size_t i)
    {
        return path + "[" + std::to_string(i) + "]";
    }

  private:
    std::string m_source; //!< File name for messages
};

const char* kPositive = "a positive number";
const char* kPositiveInt = "a positive integer";

LlmLayer
ReadLayer(const JsonReader& r, const Json& j, const std::string& p)
{
    r.Object(j,
             p,
             "a layer object",
             {"name",
              "params",
              "flops_per_token",
              "output_elements_per_token",
              "weight_max_abs",
              "weight_error"});
    LlmLayer l;
    l.name = r.String(r.Member(j, p, "name", "a layer name"), p + ".name", "a non-empty string");
    l.params = r.Integer(r.Member(j, p, "params", "a non-negative integer"),
                         p + ".params",
                         "a non-negative integer");
    l.flopsPerToken = r.Number(r.Member(j, p, "flops_per_token", "a non-negative number"),
                               p + ".flops_per_token",
                               "a non-negative number");
    l.outputElementsPerToken = r.Integer(r.Member(j, p, "output_elements_per_token", kPositiveInt),
                                         p + ".output_elements_per_token",
                                         kPositiveInt);
    if (j.contains("weight_max_abs"))
    {
        l.weightMaxAbs = r.Number(j["weight_max_abs"], p + ".weight_max_abs", kPositive);
        if (!(l.weightMaxAbs > 0))
        {
            r.Fail(p + ".weight_max_abs",
                   std::string("expected ") + kPositive + ", got " + Got(j["weight_max_abs"]));
        }
    }
    if (j.contains("weight_error"))
    {
        const std::string pe = p + ".weight_error";
        const Json& t = j["weight_error"];
        if (!t.is_object() || t.empty())
        {
            r.Fail(pe,
                   "expected a non-empty object mapping bit widths to errors, e.g. "
                   "{\"4\": 0.01, \"8\": 1e-4}, got "
                       + Got(t));
        }
        for (const auto& item : t.items())
        {
            const std::string pk = pe + "." + item.key();
            uint32_t bits = 0;
            const std::string& k = item.key();
            if (k.empty() || k.size() > 3 || k.find_first_not_of("0123456789") != std::string::npos
                || (bits = static_cast<uint32_t>(std::stoul(k))) == 0)
            {
                r.Fail(pk, "expected the key to be a positive bit width such as \"8\"");
            }
            double e = r.Number(item.value(), pk, "a non-negative number");
            if (!(e >= 0))
            {
                r.Fail(pk, "expected a non-negative number, got " + Got(item.value()));
            }
            l.weightError[bits] = e;
        }
    }
    if (!l.HasWeightMaxAbs() && l.weightError.empty())
    {
        r.Fail(p,
               "expected weight_max_abs (a positive number) or weight_error (bits -> error), "
               "got neither");
    }
    return l;
}

LlmProfile
ReadModel(const JsonReader& r, const Json& j, std::string& reference)
{
    const std::string p = "model";
    if (j.is_string())
    {
        const std::string name = j.get<std::string>();
        if (!LlmProfile::IsBuiltIn(name))
        {
            std::string names;
            for (const auto& n : LlmProfile::BuiltInNames())
            {
                names += (names.empty() ? "" : ", ") + n;
            }
            r.Fail(p,
                   "expected a model object or a built-in profile name (" + names + "), got "
                       + Got(j));
        }
        reference = name;
        return LlmProfile::BuiltIn(name);
    }
    r.Object(j,
             p,
             "a model object or a built-in profile name",
             {"name", "original_bits", "layers"});
    std::string name =
        r.String(r.Member(j, p, "name", "a model name"), "model.name", "a non-empty string");
    uint32_t bits = r.Integer32(r.Member(j, p, "original_bits", kPositiveInt),
                                "model.original_bits",
                                kPositiveInt);
    const Json& layers = r.Array(r.Member(j, p, "layers", "a non-empty array of layers"),
                                 "model.layers",
                                 "a non-empty array of layers");
    std::vector<LlmLayer> out;
    for (std::size_t i = 0; i < layers.size(); ++i)
    {
        out.push_back(ReadLayer(r, layers[i], JsonReader::Index("model.layers", i)));
    }
    reference.clear();
    return LlmProfile(name, bits, std::move(out));
}

} // namespace

LlmScenario
LlmScenario::Load(const std::string& path)
{
    NS_LOG_FUNCTION(path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw LlmInputError(path, "", "cannot open the file for reading");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return Parse(text.str(), path);
}

LlmScenario
LlmScenario::Parse(const std::string& text, const std::string& source)
{
    Json j;
    try
    {
        j = Json::parse(text);
    }
    catch (const Json::parse_error& e)
    {
        // e.what() is "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
        std::string what = e.what();
        auto pos = what.find("] ");
        throw LlmInputError(source,
                            "",
                            "not valid JSON ("
                                + (pos == std::string::npos ? what : what.substr(pos + 2)) + ")");
    }

    JsonReader r(source);
    r.Object(j,
             "",
             "a scenario object",
             {"model",
              "workload",
              "quantization",
              "servers",
              "links",
              "max_layers_per_server",
              "description"});
    LlmScenario s;
    s.m_model =
        ReadModel(r, r.Member(j, "", "model", "a model object or name"), s.m_modelReference);

    const Json& w = r.Member(j, "", "workload", "an object with tokens and batch");
    r.Object(w, "workload", "an object with tokens and batch", {"tokens", "batch"});
    s.m_workload.tokens = r.Integer32(r.Member(w, "workload", "tokens", kPositiveInt),
                                      "workload.tokens",
                                      kPositiveInt);
    s.m_workload.batch =
        r.Integer32(r.Member(w, "workload", "batch", kPositiveInt), "workload.batch", kPositiveInt);

    const Json& q = r.Member(j, "", "quantization", "an object with b_min, b_max, b_step, delta");
    r.Object(q, "quantization", "an object", {"b_min", "b_max", "b_step", "delta"});
    const std::string qp = "quantization";
    s.m_quantization.bMin =
        r.Integer32(r.Member(q, qp, "b_min", kPositiveInt), "quantization.b_min", kPositiveInt);
    s.m_quantization.bMax =
        r.Integer32(r.Member(q, qp, "b_max", kPositiveInt), "quantization.b_max", kPositiveInt);
    s.m_quantization.bStep =
        r.Integer32(r.Member(q, qp, "b_step", kPositiveInt), "quantization.b_step", kPositiveInt);
    s.m_quantization.delta =
        r.Number(r.Member(q, qp, "delta", kPositive), "quantization.delta", kPositive);

    const Json& servers = r.Array(r.Member(j, "", "servers", "a non-empty array of servers"),
                                  "servers",
                                  "a non-empty array of servers");
    for (std::size_t i = 0; i < servers.size(); ++i)
    {
        const std::string p = JsonReader::Index("servers", i);
        const Json& sj = servers[i];
        r.Object(sj, p, "a server object", {"name", "ccs_hz", "storage_bytes", "role"});
        LlmServer srv;
        srv.name =
            r.String(r.Member(sj, p, "name", "a server name"), p + ".name", "a non-empty string");
        srv.ccsHz = r.Number(r.Member(sj, p, "ccs_hz", kPositive), p + ".ccs_hz", kPositive);
        if (sj.contains("storage_bytes") && !sj["storage_bytes"].is_null())
        {
            srv.storageBytes = r.Number(sj["storage_bytes"],
                                        p + ".storage_bytes",
                                        "a positive number (or omit it for unlimited)");
        }
        if (sj.contains("role"))
        {
            std::string role = sj["role"].is_string() ? sj["role"].get<std::string>() : "";
            if (role == "edge")
            {
                srv.role = LlmServer::Role::EDGE;
            }
            else if (role == "cloud")
            {
                srv.role = LlmServer::Role::CLOUD;
            }
            else
            {
                r.Fail(p + ".role", "expected \"edge\" or \"cloud\", got " + Got(sj["role"]));
            }
        }
        s.m_servers.push_back(srv);
    }

    const Json& links =
        r.Array(r.Member(j, "", "links", "an array of links"), "links", "an array of links");
    for (std::size_t i = 0; i < links.size(); ++i)
    {
        const std::string p = JsonReader::Index("links", i);
        const Json& lj = links[i];
        r.Object(lj, p, "a link object", {"from", "to", "bps", "delay_s"});
        LlmLink link;
        link.from =
            r.String(r.Member(lj, p, "from", "a server name"), p + ".from", "a server name");
        link.to = r.String(r.Member(lj, p, "to", "a server name"), p + ".to", "a server name");
        link.bps = r.Number(r.Member(lj, p, "bps", kPositive), p + ".bps", kPositive);
        if (lj.contains("delay_s"))
        {
            link.delaySeconds = r.Number(lj["delay_s"], p + ".delay_s", "a non-negative number");
        }
        s.m_links.push_back(link);
    }

    if (j.contains("description"))
    {
        if (!j["description"].is_string())
        {
            r.Fail("description", "expected a string, got " + Got(j["description"]));
        }
        s.m_description = j["description"].get<std::string>();
    }
    if (j.contains("max_layers_per_server"))
    {
        const Json& m = j["max_layers_per_server"];
        if (m.is_null())
        {
            s.m_maxLayersPerServer.reset();
        }
        else
        {
            s.m_maxLayersPerServer =
                r.Integer32(m, "max_layers_per_server", "a positive integer or null (unlimited)");
        }
    }
    s.Validate(source);
    return s;
}

void
LlmScenario::Validate(const std::string& source) const
{
    auto fail = [&source](const std::string& path, const std::string& what) {
        throw LlmInputError(source, path, what);
    };
    auto positive = [&fail](double v, const std::string& path) {
        if (!(v > 0) || !std::isfinite(v))
        {
            fail(path, "expected a positive number, got " + Got(v));
        }
    };

    // Model.
    const bool explicitModel = m_modelReference.empty();
    const std::string mp = explicitModel ? "model" : "model (built-in " + m_modelReference + ")";
    if (m_model.GetName().empty())
    {
        fail(mp + ".name", "expected a non-empty string");
    }
    if (m_model.GetOriginalBits() == 0 || m_model.GetOriginalBits() > 64)
    {
        fail(mp + ".original_bits",
             "expected an integer in [1, 64], got " + std::to_string(m_model.GetOriginalBits()));
    }
    if (m_model.GetNLayers() == 0)
    {
        fail(mp + ".layers", "expected a non-empty array of layers, got []");
    }
    std::set<std::string> layerNames;
    for (std::size_t l = 0; l < m_model.GetNLayers(); ++l)
    {
        const LlmLayer& layer = m_model.GetLayer(l);
        const std::string p = JsonReader::Index(mp + ".layers", l);
        if (layer.name.empty())
        {
            fail(p + ".name", "expected a non-empty string");
        }
        if (!layerNames.insert(layer.name).second)
        {
            fail(p + ".name", "expected a unique layer name, got \"" + layer.name + "\" twice");
        }
        if (!(layer.flopsPerToken >= 0) || !std::isfinite(layer.flopsPerToken))
        {
            fail(p + ".flops_per_token",
                 "expected a non-negative number, got " + Got(layer.flopsPerToken));
        }
        if (layer.outputElementsPerToken == 0)
        {
            fail(p + ".output_elements_per_token", "expected a positive integer, got 0");
        }
        if (!layer.HasWeightMaxAbs() && layer.weightError.empty())
        {
            fail(p, "expected weight_max_abs (a positive number) or weight_error, got neither");
        }
        for (const auto& [bits, err] : layer.weightError)
        {
            if (bits == 0 || bits > m_model.GetOriginalBits())
            {
                fail(p + ".weight_error." + std::to_string(bits),
                     "expected a bit width in [1, original_bits = "
                         + std::to_string(m_model.GetOriginalBits()) + "]");
            }
            if (!(err >= 0))
            {
                fail(p + ".weight_error." + std::to_string(bits),
                     "expected a non-negative number, got " + Got(err));
            }
        }
    }

    // Workload.
    if (m_workload.tokens == 0)
    {
        fail("workload.tokens", "expected a positive integer, got 0");
    }
    if (m_workload.batch == 0)
    {
        fail("workload.batch", "expected a positive integer, got 0");
    }

    // Quantization.
    const LlmQuantization& q = m_quantization;
    if (q.bMin == 0)
    {
        fail("quantization.b_min", "expected a positive integer, got 0");
    }
    if (q.bStep == 0)
    {
        fail("quantization.b_step", "expected a positive integer, got 0");
    }
    if (q.bMin > q.bMax)
    {
        fail("quantization.b_max",
             "expected b_max >= b_min = " + std::to_string(q.bMin) + ", got "
                 + std::to_string(q.bMax));
    }
    if (q.bMax > m_model.GetOriginalBits())
    {
        fail("quantization.b_max",
             "expected at most model.original_bits = " + std::to_string(m_model.GetOriginalBits())
                 + ", got " + std::to_string(q.bMax));
    }
    positive(q.delta, "quantization.delta");

    // Servers.
    if (m_servers.empty())
    {
        fail("servers", "expected a non-empty array of servers, got []");
    }
    std::set<std::string> serverNames;
    for (std::size_t i = 0; i < m_servers.size(); ++i)
    {
        const LlmServer& s = m_servers[i];
        const std::string p = JsonReader::Index("servers", i);
        if (s.name.empty())
        {
            fail(p + ".name", "expected a non-empty string");
        }
        if (!serverNames.insert(s.name).second)
        {
            fail(p + ".name", "expected a unique server name, got \"" + s.name + "\" twice");
        }
        positive(s.ccsHz, p + ".ccs_hz");
        if (s.storageBytes)
        {
            positive(*s.storageBytes, p + ".storage_bytes");
        }
    }

    // Links.
    std::set<std::pair<std::string, std::string>> pairs;
    for (std::size_t k = 0; k < m_links.size(); ++k)
    {
        const LlmLink& link = m_links[k];
        const std::string p = JsonReader::Index("links", k);
        if (serverNames.count(link.from) == 0)
        {
            fail(p + ".from",
                 "expected the name of a server in servers, got \"" + link.from + "\"");
        }
        if (serverNames.count(link.to) == 0)
        {
            fail(p + ".to", "expected the name of a server in servers, got \"" + link.to + "\"");
        }
        if (link.from == link.to)
        {
            fail(p + ".to", "expected a server other than from (\"" + link.from + "\")");
        }
        if (!pairs.insert({link.from, link.to}).second)
        {
            fail(p,
                 "expected one link per direction, got " + link.from + " -> " + link.to + " twice");
        }
        positive(link.bps, p + ".bps");
        if (link.delaySeconds && (!(*link.delaySeconds >= 0) || !std::isfinite(*link.delaySeconds)))
        {
            fail(p + ".delay_s", "expected a non-negative number, got " + Got(*link.delaySeconds));
        }
    }

    // Every cost must be a finite number of seconds (eq. 3 and 4 with the extreme values).
    const double work = static_cast<double>(m_workload.tokens) * m_workload.batch;
    for (std::size_t l = 0; l < m_model.GetNLayers(); ++l)
    {
        const LlmLayer& layer = m_model.GetLayer(l);
        for (std::size_t i = 0; i < m_servers.size(); ++i)
        {
            if (!std::isfinite(work * layer.flopsPerToken / m_servers[i].ccsHz))
            {
                fail(JsonReader::Index("servers", i) + ".ccs_hz",
                     "expected a speed at which layer " + layer.name
                         + " computes in a finite time, got " + Got(m_servers[i].ccsHz));
            }
        }
        for (std::size_t k = 0; k < m_links.size(); ++k)
        {
            if (!std::isfinite(work * layer.outputElementsPerToken * q.bMax / m_links[k].bps))
            {
                fail(JsonReader::Index("links", k) + ".bps",
                     "expected a capacity that carries layer " + layer.name
                         + "'s output in a finite time, got " + Got(m_links[k].bps));
            }
        }
    }

    if (m_maxLayersPerServer && *m_maxLayersPerServer == 0)
    {
        fail("max_layers_per_server", "expected a positive integer or null (unlimited), got 0");
    }
}

std::string
LlmScenario::ToJson(bool expandModel) const
{
    Json j;
    if (!m_modelReference.empty() && !expandModel)
    {
        j["model"] = m_modelReference;
    }
    else
    {
        Json m;
        m["name"] = m_model.GetName();
        m["original_bits"] = m_model.GetOriginalBits();
        m["layers"] = Json::array();
        for (const LlmLayer& l : m_model.GetLayers())
        {
            Json lj;
            lj["name"] = l.name;
            lj["params"] = l.params;
            lj["flops_per_token"] = l.flopsPerToken;
            lj["output_elements_per_token"] = l.outputElementsPerToken;
            if (l.HasWeightMaxAbs())
            {
                lj["weight_max_abs"] = l.weightMaxAbs;
            }
            if (!l.weightError.empty())
            {
                Json t = Json::object();
                for (const auto& [bits, err] : l.weightError)
                {
                    t[std::to_string(bits)] = err;
                }
                lj["weight_error"] = t;
            }
            m["layers"].push_back(lj);
        }
        j["model"] = m;
    }
    j["workload"] = {{"tokens", m_workload.tokens}, {"batch", m_workload.batch}};
    j["quantization"] = {{"b_min", m_quantization.bMin},
                         {"b_max", m_quantization.bMax},
                         {"b_step", m_quantization.bStep},
                         {"delta", m_quantization.delta}};
    j["servers"] = Json::array();
    for (const LlmServer& s : m_servers)
    {
        Json sj;
        sj["name"] = s.name;
        sj["ccs_hz"] = s.ccsHz;
        if (s.storageBytes)
        {
            sj["storage_bytes"] = *s.storageBytes;
        }
        if (s.role == LlmServer::Role::CLOUD)
        {
            sj["role"] = "cloud";
        }
        j["servers"].push_back(sj);
    }
    j["links"] = Json::array();
    for (const LlmLink& l : m_links)
    {
        Json lj;
        lj["from"] = l.from;
        lj["to"] = l.to;
        lj["bps"] = l.bps;
        if (l.delaySeconds)
        {
            lj["delay_s"] = *l.delaySeconds;
        }
        j["links"].push_back(lj);
    }
    j["max_layers_per_server"] = m_maxLayersPerServer ? Json(*m_maxLayersPerServer) : Json(nullptr);
    if (m_description)
    {
        j["description"] = *m_description;
    }
    return j.dump(2) + "\n";
}

void
LlmScenario::Save(const std::string& path, bool expandModel) const
{
    std::ofstream out(path, std::ios::binary);
    out << ToJson(expandModel);
    if (!out)
    {
        throw LlmInputError(path, "", "cannot write the file");
    }
}

LlmScenario
LlmScenario::BuiltInDefault()
{
    LlmScenario s;
    s.SetModel(LlmProfile::BuiltIn("opt-350m"), "opt-350m");
    s.m_workload = LlmWorkload{128, 128};
    s.m_quantization = LlmQuantization{4, 32, 2, 1e-5};
    s.m_maxLayersPerServer = 1;

    // A fixed MRG32k3a stream: the built-in scenario is the same for every --RngRun.
    RngStream rng(12345, 0, 0);
    auto uniform = [&rng](double lo, double hi) { return lo + (hi - lo) * rng.RandU01(); };
    const int nEdge = 30;
    for (int i = 0; i < nEdge; ++i)
    {
        LlmServer e;
        e.name = "edge" + std::to_string(i);
        e.ccsHz = std::round(uniform(1e9, 4e9) / 1e6) * 1e6;           // whole MHz
        e.storageBytes = std::round(uniform(64e6, 256e6) / 1e6) * 1e6; // whole MB
        s.m_servers.push_back(e);
    }
    LlmServer cloud;
    cloud.name = "cloud";
    cloud.ccsHz = 20e9;
    cloud.role = LlmServer::Role::CLOUD;
    s.m_servers.push_back(cloud);

    for (int i = 0; i < nEdge; ++i)
    {
        for (int k = 0; k < nEdge; ++k)
        {
            if (i != k)
            {
                double bps = std::round(uniform(100e6, 1e9) / 1e5) * 1e5; // whole 0.1 Mbit/s
                s.m_links.push_back(
                    {"edge" + std::to_string(i), "edge" + std::to_string(k), bps, 1e-4});
            }
        }
    }
    for (int i = 0; i < nEdge; ++i)
    {
        s.m_links.push_back({"edge" + std::to_string(i), "cloud", 50e6, 0.02});
        s.m_links.push_back({"cloud", "edge" + std::to_string(i), 50e6, 0.02});
    }
    s.Validate("built-in scenario");
    return s;
}

std::optional<std::size_t>
LlmScenario::FindServer(const std::string& name) const
{
    for (std::size_t i = 0; i < m_servers.size(); ++i)
    {
        if (m_servers[i].name == name)
        {
            return i;
        }
    }
    return std::nullopt;
}

bool
LlmScenario::operator==(const LlmScenario& o) const
{
    return m_model == o.m_model && m_modelReference == o.m_modelReference
           && m_workload.tokens == o.m_workload.tokens && m_workload.batch == o.m_workload.batch
           && m_quantization.bMin == o.m_quantization.bMin
           && m_quantization.bMax == o.m_quantization.bMax
           && m_quantization.bStep == o.m_quantization.bStep
           && m_quantization.delta == o.m_quantization.delta && m_servers == o.m_servers
           && m_links == o.m_links && m_maxLayersPerServer == o.m_maxLayersPerServer
           && m_description == o.m_description;
}

const LlmProfile&
LlmScenario::GetModel() const
{
    return m_model;
}

void
LlmScenario::SetModel(const LlmProfile& model, const std::string& builtInName)
{
    m_model = model;
    m_modelReference = builtInName;
}

const std::string&
LlmScenario::GetModelReference() const
{
    return m_modelReference;
}

const LlmWorkload&
LlmScenario::GetWorkload() const
{
    return m_workload;
}

LlmWorkload&
LlmScenario::GetWorkload()
{
    return m_workload;
}

const LlmQuantization&
LlmScenario::GetQuantization() const
{
    return m_quantization;
}

LlmQuantization&
LlmScenario::GetQuantization()
{
    return m_quantization;
}

const std::vector<LlmServer>&
LlmScenario::GetServers() const
{
    return m_servers;
}

std::vector<LlmServer>&
LlmScenario::GetServers()
{
    return m_servers;
}

const std::vector<LlmLink>&
LlmScenario::GetLinks() const
{
    return m_links;
}

std::vector<LlmLink>&
LlmScenario::GetLinks()
{
    return m_links;
}

std::optional<uint32_t>
LlmScenario::GetMaxLayersPerServer() const
{
    return m_maxLayersPerServer;
}

void
LlmScenario::SetMaxLayersPerServer(std::optional<uint32_t> m)
{
    m_maxLayersPerServer = m;
}

} // namespace ns3
