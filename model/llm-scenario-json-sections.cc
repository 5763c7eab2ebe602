// SPDX-License-Identifier: GPL-2.0-only

#include "llm-scenario-json-sections.h"

#include <cmath>

namespace ns3
{

namespace
{

using Json = LlmScenarioJsonSections::Json;

const char* kPositive = "a positive number";
const char* kPositiveInt = "a positive integer";

LlmLayer
ReadLayer(const LlmJsonReader& r, const Json& j, const std::string& p)
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
                   std::string("expected ") + kPositive + ", got "
                       + LlmJsonReader::Got(j["weight_max_abs"]));
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
                       + LlmJsonReader::Got(t));
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
                r.Fail(pk,
                       "expected a non-negative number, got " + LlmJsonReader::Got(item.value()));
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

} // namespace

LlmProfile
LlmScenarioJsonSections::ReadModel(const LlmJsonReader& r,
                                   const Json& j,
                                   const std::string& p,
                                   std::string& reference)
{
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
                       + LlmJsonReader::Got(j));
        }
        reference = name;
        return LlmProfile::BuiltIn(name);
    }
    r.Object(j,
             p,
             "a model object or a built-in profile name",
             {"name", "original_bits", "layers"});
    std::string name =
        r.String(r.Member(j, p, "name", "a model name"), p + ".name", "a non-empty string");
    uint32_t bits = r.Integer32(r.Member(j, p, "original_bits", kPositiveInt),
                                p + ".original_bits",
                                kPositiveInt);
    const std::string pl = p + ".layers";
    const Json& layers = r.Array(r.Member(j, p, "layers", "a non-empty array of layers"),
                                 pl,
                                 "a non-empty array of layers");
    if (layers.size() > LlmScenario::MAX_LAYERS)
    {
        r.Fail(pl,
               "expected at most " + std::to_string(LlmScenario::MAX_LAYERS) + " layers, got "
                   + std::to_string(layers.size()));
    }
    std::vector<LlmLayer> out;
    for (std::size_t i = 0; i < layers.size(); ++i)
    {
        out.push_back(ReadLayer(r, layers[i], LlmJsonReader::Index(pl, i)));
    }
    reference.clear();
    return LlmProfile(name, bits, std::move(out));
}

LlmWorkload
LlmScenarioJsonSections::ReadWorkload(const LlmJsonReader& r, const Json& w, const std::string& p)
{
    r.Object(w, p, "an object with tokens and batch", {"tokens", "batch"});
    LlmWorkload workload;
    workload.tokens =
        r.Integer32(r.Member(w, p, "tokens", kPositiveInt), p + ".tokens", kPositiveInt);
    workload.batch = r.Integer32(r.Member(w, p, "batch", kPositiveInt), p + ".batch", kPositiveInt);
    return workload;
}

LlmQuantization
LlmScenarioJsonSections::ReadQuantization(const LlmJsonReader& r,
                                          const Json& q,
                                          const std::string& p)
{
    r.Object(q, p, "an object", {"b_min", "b_max", "b_step", "delta"});
    LlmQuantization quantization;
    quantization.bMin =
        r.Integer32(r.Member(q, p, "b_min", kPositiveInt), p + ".b_min", kPositiveInt);
    quantization.bMax =
        r.Integer32(r.Member(q, p, "b_max", kPositiveInt), p + ".b_max", kPositiveInt);
    quantization.bStep =
        r.Integer32(r.Member(q, p, "b_step", kPositiveInt), p + ".b_step", kPositiveInt);
    quantization.delta = r.Number(r.Member(q, p, "delta", kPositive), p + ".delta", kPositive);
    return quantization;
}

std::vector<LlmServer>
LlmScenarioJsonSections::ReadServers(const LlmJsonReader& r, const Json& j, const std::string& path)
{
    const Json& servers = r.Array(j, path, "a non-empty array of servers");
    if (servers.size() > LlmScenario::MAX_SERVERS)
    {
        r.Fail(path,
               "expected at most " + std::to_string(LlmScenario::MAX_SERVERS)
                   + " servers (the cost model keeps an N x N link matrix), got "
                   + std::to_string(servers.size()));
    }
    std::vector<LlmServer> out;
    for (std::size_t i = 0; i < servers.size(); ++i)
    {
        const std::string p = LlmJsonReader::Index(path, i);
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
                r.Fail(p + ".role",
                       "expected \"edge\" or \"cloud\", got " + LlmJsonReader::Got(sj["role"]));
            }
        }
        out.push_back(srv);
    }
    return out;
}

std::vector<LlmLink>
LlmScenarioJsonSections::ReadLinks(const LlmJsonReader& r, const Json& j, const std::string& path)
{
    const Json& links = r.Array(j, path, "an array of links");
    std::vector<LlmLink> out;
    for (std::size_t i = 0; i < links.size(); ++i)
    {
        const std::string p = LlmJsonReader::Index(path, i);
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
        out.push_back(link);
    }
    return out;
}

std::optional<uint32_t>
LlmScenarioJsonSections::ReadMaxLayers(const LlmJsonReader& r,
                                       const Json& m,
                                       const std::string& path)
{
    if (m.is_null())
    {
        return std::nullopt;
    }
    return r.Integer32(m, path, "a positive integer or null (unlimited)");
}

LlmUser
LlmScenarioJsonSections::ReadUser(const LlmJsonReader& r, const Json& u, const std::string& p)
{
    r.Object(u, p, "an object with server (and bps, delay_s)", {"server", "bps", "delay_s"});
    LlmUser user;
    user.server =
        r.String(r.Member(u, p, "server", "a server name"), p + ".server", "a server name");
    if (u.contains("bps"))
    {
        user.bps = r.Number(u["bps"], p + ".bps", kPositive);
    }
    if (u.contains("delay_s"))
    {
        user.delaySeconds = r.Number(u["delay_s"], p + ".delay_s", "a non-negative number");
    }
    return user;
}

Json
LlmScenarioJsonSections::WriteModel(const LlmProfile& model,
                                    const std::string& reference,
                                    bool expand)
{
    if (!reference.empty() && !expand)
    {
        return Json(reference);
    }
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
    return m;
}

Json
LlmScenarioJsonSections::WriteWorkload(const LlmWorkload& w)
{
    return {{"tokens", w.tokens}, {"batch", w.batch}};
}

Json
LlmScenarioJsonSections::WriteQuantization(const LlmQuantization& q)
{
    return {{"b_min", q.bMin}, {"b_max", q.bMax}, {"b_step", q.bStep}, {"delta", q.delta}};
}

Json
LlmScenarioJsonSections::WriteServers(const std::vector<LlmServer>& servers)
{
    Json out = Json::array();
    for (const LlmServer& s : servers)
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
        out.push_back(sj);
    }
    return out;
}

Json
LlmScenarioJsonSections::WriteLinks(const std::vector<LlmLink>& links)
{
    Json out = Json::array();
    for (const LlmLink& l : links)
    {
        Json lj;
        lj["from"] = l.from;
        lj["to"] = l.to;
        lj["bps"] = l.bps;
        if (l.delaySeconds)
        {
            lj["delay_s"] = *l.delaySeconds;
        }
        out.push_back(lj);
    }
    return out;
}

Json
LlmScenarioJsonSections::WriteUser(const LlmUser& u)
{
    return {{"server", u.server}, {"bps", u.bps}, {"delay_s", u.delaySeconds}};
}

} // namespace ns3
