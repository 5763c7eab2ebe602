// SPDX-License-Identifier: GPL-2.0-only

#include "llm-scenario-json.h"

#include "llm-input-error.h"
#include "llm-strict-json.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace ns3
{

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
                || k[0] == '0' || (bits = static_cast<uint32_t>(std::stoul(k))) == 0)
            {
                r.Fail(pk,
                       "expected the key to be a positive bit width written without leading "
                       "zeros, such as \"8\"");
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
    if (layers.size() > LlmScenario::MAX_LAYERS)
    {
        r.Fail("model.layers",
               "expected at most " + std::to_string(LlmScenario::MAX_LAYERS) + " layers, got "
                   + std::to_string(layers.size()));
    }
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
LlmScenarioJson::Load(const std::string& path, bool acceptImplausibleUnits)
{
    return Parse(LlmStrictJson::ReadFile(path, "file"), path, acceptImplausibleUnits);
}

LlmScenario
LlmScenarioJson::Parse(const std::string& text,
                       const std::string& source,
                       bool acceptImplausibleUnits)
{
    const Json j = LlmStrictJson::Parse(text, source);

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
              "accept_implausible_units",
              "user",
              "description"});
    LlmScenario s;
    std::string modelReference;
    const LlmProfile model =
        ReadModel(r, r.Member(j, "", "model", "a model object or name"), modelReference);
    s.SetModel(model, modelReference);
    LlmWorkload& workload = s.GetWorkload();
    LlmQuantization& quantization = s.GetQuantization();

    const Json& w = r.Member(j, "", "workload", "an object with tokens and batch");
    r.Object(w, "workload", "an object with tokens and batch", {"tokens", "batch"});
    workload.tokens = r.Integer32(r.Member(w, "workload", "tokens", kPositiveInt),
                                  "workload.tokens",
                                  kPositiveInt);
    workload.batch =
        r.Integer32(r.Member(w, "workload", "batch", kPositiveInt), "workload.batch", kPositiveInt);

    const Json& q = r.Member(j, "", "quantization", "an object with b_min, b_max, b_step, delta");
    r.Object(q, "quantization", "an object", {"b_min", "b_max", "b_step", "delta"});
    const std::string qp = "quantization";
    quantization.bMin =
        r.Integer32(r.Member(q, qp, "b_min", kPositiveInt), "quantization.b_min", kPositiveInt);
    quantization.bMax =
        r.Integer32(r.Member(q, qp, "b_max", kPositiveInt), "quantization.b_max", kPositiveInt);
    quantization.bStep =
        r.Integer32(r.Member(q, qp, "b_step", kPositiveInt), "quantization.b_step", kPositiveInt);
    quantization.delta =
        r.Number(r.Member(q, qp, "delta", kPositive), "quantization.delta", kPositive);

    const Json& servers = r.Array(r.Member(j, "", "servers", "a non-empty array of servers"),
                                  "servers",
                                  "a non-empty array of servers");
    if (servers.size() > LlmScenario::MAX_SERVERS)
    {
        r.Fail("servers",
               "expected at most " + std::to_string(LlmScenario::MAX_SERVERS)
                   + " servers (the cost model keeps an N x N link matrix), got "
                   + std::to_string(servers.size()));
    }
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
        s.GetServers().push_back(srv);
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
        s.GetLinks().push_back(link);
    }

    if (j.contains("description"))
    {
        if (!j["description"].is_string())
        {
            r.Fail("description", "expected a string, got " + Got(j["description"]));
        }
        s.SetDescription(j["description"].get<std::string>());
    }
    if (j.contains("accept_implausible_units"))
    {
        if (!j["accept_implausible_units"].is_boolean())
        {
            r.Fail("accept_implausible_units",
                   "expected true or false, got " + Got(j["accept_implausible_units"]));
        }
        s.SetAcceptImplausibleUnits(j["accept_implausible_units"].get<bool>()
                                    || acceptImplausibleUnits);
    }
    else
    {
        s.SetAcceptImplausibleUnits(acceptImplausibleUnits);
    }
    if (j.contains("max_layers_per_server"))
    {
        const Json& m = j["max_layers_per_server"];
        if (m.is_null())
        {
            s.SetMaxLayersPerServer(std::nullopt);
        }
        else
        {
            s.SetMaxLayersPerServer(
                r.Integer32(m, "max_layers_per_server", "a positive integer or null (unlimited)"));
        }
    }
    if (j.contains("user"))
    {
        const Json& u = j["user"];
        r.Object(u,
                 "user",
                 "an object with server (and bps, delay_s)",
                 {"server", "bps", "delay_s"});
        LlmUser user;
        user.server = r.String(r.Member(u, "user", "server", "a server name"),
                               "user.server",
                               "a server name");
        if (u.contains("bps"))
        {
            user.bps = r.Number(u["bps"], "user.bps", kPositive);
        }
        if (u.contains("delay_s"))
        {
            user.delaySeconds = r.Number(u["delay_s"], "user.delay_s", "a non-negative number");
        }
        s.SetUser(user);
    }
    s.Validate(source);
    return s;
}

std::string
LlmScenarioJson::ToJson(const LlmScenario& scenario, bool expandModel)
{
    const LlmProfile& model = scenario.GetModel();
    const LlmWorkload& workload = scenario.GetWorkload();
    const LlmQuantization& quantization = scenario.GetQuantization();
    const std::optional<uint32_t> maxLayersPerServer = scenario.GetMaxLayersPerServer();
    Json j;
    if (!scenario.GetModelReference().empty() && !expandModel)
    {
        j["model"] = scenario.GetModelReference();
    }
    else
    {
        Json m;
        m["name"] = model.GetName();
        m["original_bits"] = model.GetOriginalBits();
        m["layers"] = Json::array();
        for (const LlmLayer& l : model.GetLayers())
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
    j["workload"] = {{"tokens", workload.tokens}, {"batch", workload.batch}};
    j["quantization"] = {{"b_min", quantization.bMin},
                         {"b_max", quantization.bMax},
                         {"b_step", quantization.bStep},
                         {"delta", quantization.delta}};
    j["servers"] = Json::array();
    for (const LlmServer& s : scenario.GetServers())
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
    for (const LlmLink& l : scenario.GetLinks())
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
    j["max_layers_per_server"] = maxLayersPerServer ? Json(*maxLayersPerServer) : Json(nullptr);
    if (scenario.GetAcceptImplausibleUnits())
    {
        j["accept_implausible_units"] = true;
    }
    if (scenario.GetUser())
    {
        const LlmUser& u = *scenario.GetUser();
        j["user"] = {{"server", u.server}, {"bps", u.bps}, {"delay_s", u.delaySeconds}};
    }
    if (scenario.GetDescription())
    {
        j["description"] = *scenario.GetDescription();
    }
    return j.dump(2) + "\n";
}

void
LlmScenarioJson::Save(const LlmScenario& scenario, const std::string& path, bool expandModel)
{
    std::ofstream out(path, std::ios::binary);
    out << ToJson(scenario, expandModel);
    if (!out)
    {
        throw LlmInputError(path, "", "cannot write the file");
    }
}

} // namespace ns3
