// SPDX-License-Identifier: GPL-2.0-only

#include "llm-transport-setting.h"

#include "edge-topology-helper.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-text-parse.h"
#include "ns3/object-factory.h"
#include "ns3/tcp-congestion-ops.h"

#include <sstream>

namespace ns3
{

namespace
{

const char* kSource = "command line";

} // namespace

const std::vector<LlmTransportSetting::Key>&
LlmTransportSetting::Keys()
{
    static const std::vector<Key> keys{
        {"transport", "", "tcp or udp (default tcp)", false},
        {"mtu", "", "Link MTU, bytes: 576 ... 65535, at most 2296 on Wi-Fi (default 1500)", false},
        {"ideal", "", "Ideal links: no propagation delay (0/1, default 0)", true},
        {"loss", "", "Packet error rate on every device, 0 <= loss < 1 (default 0)", false},
        {"congestion-control",
         "cc",
         "TCP variant, e.g. TcpNewReno, TcpCubic (default: ns-3's, or --ns3::TcpL4Protocol::"
         "SocketType)",
         false},
        {"queue",
         "",
         "FIFO queue disc in front of every device, e.g. 100p or 1MB (default 1000p)",
         false},
        {"socket-buffer",
         "buffer",
         "TCP send and receive buffer, bytes (default 0: ns-3's, 131072, or "
         "--ns3::TcpSocket::SndBufSize/RcvBufSize)",
         false},
        {"d2d-delay",
         "",
         "Propagation delay of every edge-edge link, 0 ... 10 s (default: the scenario's)",
         false},
        {"wan-delay",
         "",
         "Propagation delay of every cloud link, 0 ... 10 s (default: the scenario's)",
         false},
        {"d2d",
         "",
         "Edge-edge medium: p2p (a link per pair at Omega_ij), wifi-ac or wifi-ax (one shared "
         "ad hoc network) (default p2p)",
         false},
        {"all-links",
         "",
         "Build every link of the scenario, not only those the plan uses (same times on "
         "point-to-point links, slower) (0/1, default 0)",
         true},
        {"user",
         "",
         "Put the request source on a user node behind this server (1 Gbit/s, 1 ms access "
         "link; default: on the first layer's server)",
         false},
        {"requests", "", "Concurrent requests sharing the servers (default 1)", false},
    };
    return keys;
}

void
LlmTransportSetting::Set(const std::string& keyName, const std::string& v, const std::string& field)
{
    std::string key;
    for (const Key& k : Keys())
    {
        if (keyName == k.name || (!k.alias.empty() && keyName == k.alias))
        {
            key = k.name;
            if (k.isFlag && v.empty())
            {
                Set(key, "1", field);
                return;
            }
        }
    }
    if (key == "transport")
    {
        if (v != "tcp" && v != "udp")
        {
            throw LlmInputError(kSource, field, "expected tcp or udp, got \"" + v + "\"");
        }
        transport = v;
    }
    else if (key == "mtu")
    {
        mtu = static_cast<uint32_t>(LlmTextParse::Integer(kSource, field, v, 576, 65535));
    }
    else if (key == "ideal")
    {
        ideal = LlmTextParse::Bool(kSource, field, v);
    }
    else if (key == "loss")
    {
        lossRate =
            LlmTextParse::Number(kSource, field, v, 0, 1, "a packet error rate 0 <= loss < 1");
        if (lossRate >= 1)
        {
            throw LlmInputError(kSource,
                                field,
                                "expected a packet error rate 0 <= loss < 1, got \"" + v + "\"");
        }
    }
    else if (key == "congestion-control")
    {
        congestionControl = v;
    }
    else if (key == "queue")
    {
        EdgeTopologyHelper::CheckQueueSize(v, kSource, field);
        queueSize = v;
    }
    else if (key == "socket-buffer")
    {
        socketBuffer = static_cast<uint32_t>(
            LlmTextParse::Integer(kSource,
                                  field,
                                  v,
                                  0,
                                  1073741824,
                                  "0 (ns-3's default) or a buffer of bytes up to 1073741824"));
    }
    else if (key == "d2d-delay" || key == "wan-delay")
    {
        const double d = LlmTextParse::Number(kSource, field, v, 0, 10, "a delay of 0 ... 10 s");
        (key == "d2d-delay" ? d2dDelaySeconds : wanDelaySeconds) = d;
    }
    else if (key == "d2d")
    {
        if (v != "p2p" && v != "wifi-ac" && v != "wifi-ax")
        {
            throw LlmInputError(kSource,
                                field,
                                "expected p2p, wifi-ac or wifi-ax, got \"" + v + "\"");
        }
        d2d = v;
    }
    else if (key == "all-links")
    {
        allLinks = LlmTextParse::Bool(kSource, field, v);
    }
    else if (key == "user")
    {
        user = v;
    }
    else if (key == "requests")
    {
        requests = static_cast<uint32_t>(LlmTextParse::Integer(kSource, field, v, 1, 1000000));
    }
    else
    {
        std::string names;
        for (const Key& k : Keys())
        {
            names += (names.empty() ? "" : ", ") + k.name + (k.alias.empty() ? "" : "/" + k.alias);
        }
        throw LlmInputError(kSource,
                            field,
                            "unknown key \"" + keyName + "\" (expected " + names + ")");
    }
}

LlmTransportSetting
LlmTransportSetting::Parse(const std::string& spec, const LlmTransportSetting& base)
{
    LlmTransportSetting t = base;
    const std::size_t colon = spec.find(':');
    t.name = spec.substr(0, colon);
    if (t.name.empty() || t.name.find_first_of(",;:=\"'") != std::string::npos)
    {
        throw LlmInputError(kSource,
                            "--variants",
                            "expected \"name:key=value,...\" with a name free of , ; : = and "
                            "quotes, got \""
                                + spec + "\"");
    }
    if (colon == std::string::npos)
    {
        return t;
    }
    std::stringstream ss(spec.substr(colon + 1));
    std::string item;
    while (std::getline(ss, item, ','))
    {
        const std::size_t eq = item.find('=');
        if (eq == std::string::npos)
        {
            throw LlmInputError(kSource,
                                "--variants " + t.name,
                                "expected key=value, got \"" + item + "\"");
        }
        const std::string key = item.substr(0, eq);
        t.Set(key, item.substr(eq + 1), "--variants " + t.name + " " + key);
    }
    return t;
}

void
LlmTransportSetting::Validate(const std::string& where) const
{
    // Errors name the option (--mtu) or the variant's key (--variants jumbo mtu).
    const std::string field = where.empty() ? std::string("--") : where + " ";
    if (d2d != "p2p" && mtu > 2296)
    {
        throw LlmInputError(kSource,
                            field + "mtu",
                            "expected 576 ... 2296 bytes with Wi-Fi D2D (its MSDU limit), got "
                                + std::to_string(mtu));
    }
    if (!congestionControl.empty())
    {
        TypeId tid;
        // By instance: some variants declare another parent TypeId (TcpCubic in ns-3.37).
        bool isCongestionOps = false;
        if (TypeId::LookupByNameFailSafe("ns3::" + congestionControl, &tid) && tid.HasConstructor())
        {
            ObjectFactory factory;
            factory.SetTypeId(tid);
            isCongestionOps = DynamicCast<TcpCongestionOps>(factory.Create()) != nullptr;
        }
        if (!isCongestionOps)
        {
            throw LlmInputError(kSource,
                                field + "congestion-control",
                                "expected an ns-3 TCP congestion control such as TcpNewReno or "
                                "TcpCubic, got \""
                                    + congestionControl + "\"");
        }
    }
    EdgeTopologyHelper::CheckQueueSize(queueSize, kSource, field + "queue");
    if (socketBuffer != 0 && socketBuffer < 2 * mtu)
    {
        throw LlmInputError(kSource,
                            field + "socket-buffer",
                            "expected 0 (ns-3's default) or at least two MTUs ("
                                + std::to_string(2 * mtu) + " bytes), got "
                                + std::to_string(socketBuffer));
    }
}

bool
LlmTransportSetting::ShapesTopology() const
{
    const LlmTransportSetting d;
    return mtu != d.mtu || ideal != d.ideal || lossRate != d.lossRate || queueSize != d.queueSize
           || d2dDelaySeconds || wanDelaySeconds || d2d != d.d2d || allLinks != d.allLinks
           || !user.empty();
}

} // namespace ns3
