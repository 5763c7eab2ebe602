// SPDX-License-Identifier: GPL-2.0-only

#include "llm-messenger.h"

#include "edge-llm-compat.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmMessenger");

NS_OBJECT_ENSURE_REGISTERED(LlmMessenger);

namespace
{

/// Started messengers by (node id, port): messages a node sends itself skip the stack.
std::map<std::pair<uint32_t, uint16_t>, LlmMessenger*>&
LocalMessengers()
{
    // Never destroyed: a messenger disposed after static destruction has begun (nodes a program
    // never handed to Simulator::Destroy) must still find it.
    static auto* registry = new std::map<std::pair<uint32_t, uint16_t>, LlmMessenger*>();
    return *registry;
}

/**
 * Read and discard whatever a stopped messenger's socket still receives. A socket that stops
 * reading fills its receive buffer and advertises a zero window; its peer then enters the
 * persist state, and ns-3's TcpSocketBase::PersistTimeout dereferences a null item (SIGSEGV)
 * when the peer has no unsent byte left to probe with (its unsent messages were dropped when
 * it stopped too). Draining keeps the window open, so the peer's data in flight drains and its
 * connection closes normally.
 */
void
DiscardReceived(Ptr<Socket> socket)
{
    while (Ptr<Packet> p = socket->Recv())
    {
        if (p->GetSize() == 0)
        {
            break;
        }
    }
}

} // namespace

LlmMessenger*
LlmMessenger::FindLocal(uint32_t node, uint16_t port)
{
    auto it = LocalMessengers().find({node, port});
    return it == LocalMessengers().end() ? nullptr : it->second;
}

TypeId
LlmMessenger::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LlmMessenger")
            .SetParent<Object>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<LlmMessenger>()
            .AddAttribute("Transport",
                          "TCP (persistent connections, length-prefixed messages) or UDP "
                          "(paced datagrams with fragment numbers, loss detected).",
                          EdgeLlmEnumValue<Transport>(TCP),
                          EdgeLlmMakeEnumAccessor<Transport>(&LlmMessenger::m_transport),
                          MakeEnumChecker(TCP, "Tcp", UDP, "Udp"))
            .AddAttribute("UdpPayloadSize",
                          "Payload bytes per UDP datagram (the header comes on top), bytes.",
                          UintegerValue(1400),
                          MakeUintegerAccessor(&LlmMessenger::m_udpPayloadSize),
                          MakeUintegerChecker<uint32_t>(1, 65000))
            .AddAttribute("TcpSegmentSize",
                          "TCP maximum segment size of the messenger's sockets, bytes (1448 "
                          "fits a 1500-byte MTU with timestamps; 8948 a 9000-byte one).",
                          UintegerValue(1448),
                          MakeUintegerAccessor(&LlmMessenger::m_tcpSegmentSize),
                          MakeUintegerChecker<uint32_t>(100, 65000))
            .AddAttribute("TcpBufferSize",
                          "TCP send and receive buffer of the messenger's sockets, bytes (0: "
                          "the sockets' own default, ns3::TcpSocket::SndBufSize/RcvBufSize).",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LlmMessenger::m_tcpBufferSize),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("ReassemblyTimeout",
                          "UDP: an incomplete message with no new fragment for this long is "
                          "reported lost.",
                          TimeValue(Seconds(1)),
                          MakeTimeAccessor(&LlmMessenger::m_reassemblyTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddTraceSource("Tx",
                            "A message was queued for sending.",
                            MakeTraceSourceAccessor(&LlmMessenger::m_txTrace),
                            "ns3::LlmMessenger::HeaderTracedCallback")
            .AddTraceSource("Rx",
                            "A message arrived complete.",
                            MakeTraceSourceAccessor(&LlmMessenger::m_rxTrace),
                            "ns3::LlmMessenger::HeaderTracedCallback")
            .AddTraceSource("Lost",
                            "A message was detected lost (UDP reassembly timeout), or could not "
                            "be sent (TCP connection failed or reset).",
                            MakeTraceSourceAccessor(&LlmMessenger::m_lostTrace),
                            "ns3::LlmMessenger::HeaderTracedCallback");
    return tid;
}

LlmMessenger::LlmMessenger()
    : m_transport(TCP)
    , m_udpPayloadSize(1400)
{
    NS_LOG_FUNCTION(this);
}

LlmMessenger::~LlmMessenger()
{
    NS_LOG_FUNCTION(this);
}

void
LlmMessenger::DoDispose()
{
    // Teardown: drop the sockets without closing them. A FIN sent while the nodes are being
    // disposed would cross half-disposed stacks and fire traces (NetAnim's) into them.
    Release(false);
    m_node = nullptr;
    m_receive = ReceiveCallback();
    m_lost = LostCallback();
    Object::DoDispose();
}

void
LlmMessenger::SetReceiveCallback(ReceiveCallback cb)
{
    m_receive = cb;
}

void
LlmMessenger::SetLostCallback(LostCallback cb)
{
    m_lost = cb;
}

void
LlmMessenger::SetTcpBuffers(Ptr<Socket> socket) const
{
    if (m_tcpBufferSize > 0)
    {
        socket->SetAttribute("SndBufSize", UintegerValue(m_tcpBufferSize));
        socket->SetAttribute("RcvBufSize", UintegerValue(m_tcpBufferSize));
    }
}

void
LlmMessenger::Start(Ptr<Node> node, uint16_t port)
{
    NS_LOG_FUNCTION(this << node << port);
    m_node = node;
    m_port = port;
    LocalMessengers()[{node->GetId(), port}] = this;
    const InetSocketAddress local(Ipv4Address::GetAny(), port);
    if (m_transport == TCP)
    {
        m_listen = Socket::CreateSocket(node, TcpSocketFactory::GetTypeId());
        m_listen->SetAttribute("SegmentSize", UintegerValue(m_tcpSegmentSize));
        SetTcpBuffers(m_listen);
        m_listen->Bind(local);
        m_listen->Listen();
        m_listen->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                    MakeCallback(&LlmMessenger::HandleAccept, this));
    }
    else
    {
        m_listen = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
        m_listen->Bind(local);
        m_listen->SetRecvCallback(MakeCallback(&LlmMessenger::HandleUdpRead, this));
        m_udpSend = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
        m_udpSend->Bind();
    }
}

void
LlmMessenger::Stop()
{
    NS_LOG_FUNCTION(this);
    Release(true);
}

void
LlmMessenger::Release(bool close)
{
    if (m_node && m_port != 0)
    {
        LocalMessengers().erase({m_node->GetId(), m_port});
        m_port = 0;
    }
    for (auto& [key, r] : m_reassembly)
    {
        r.timeout.Cancel();
    }
    m_reassembly.clear();
    auto release = [close](Ptr<Socket> s) {
        if (s)
        {
            // A graceful stop keeps discarding what still arrives (DiscardReceived); a
            // teardown calls nothing back.
            s->SetRecvCallback(close ? MakeCallback(&DiscardReceived)
                                     : MakeNullCallback<void, Ptr<Socket>>());
            s->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
            if (close)
            {
                s->Close();
            }
        }
    };
    // Take the sockets out first: closing one may call back into this messenger (a close or
    // error callback that drops a peer), which must not touch the containers being walked.
    const Ptr<Socket> listen = m_listen;
    const Ptr<Socket> udpSend = m_udpSend;
    const auto accepted = std::move(m_accepted);
    const auto peers = std::move(m_peers);
    m_listen = nullptr;
    m_udpSend = nullptr;
    m_accepted.clear();
    m_peers.clear();
    m_rx.clear();
    release(listen);
    release(udpSend);
    for (const auto& s : accepted)
    {
        release(s);
    }
    for (const auto& [to, peer] : peers)
    {
        release(peer.socket);
    }
}

void
LlmMessenger::Send(const Address& to, LlmActivationHeader header, double paceBps)
{
    NS_LOG_FUNCTION(this << to << header);
    ++m_messagesSent;
    m_txTrace(header);
    // A message to this node itself (the request source beside the first layer) is handed
    // over in memory, as a process would: no stack, no time.
    const InetSocketAddress dest = InetSocketAddress::ConvertFrom(to);
    Ptr<Ipv4> ipv4 = m_node->GetObject<Ipv4>();
    if (ipv4 && ipv4->GetInterfaceForAddress(dest.GetIpv4()) >= 0)
    {
        LlmMessenger* local = FindLocal(m_node->GetId(), dest.GetPort());
        if (local)
        {
            header.fragment = 0;
            header.fragments = 1;
            Simulator::ScheduleNow(&LlmMessenger::DeliverLocal,
                                   local,
                                   dest.GetPort(),
                                   header,
                                   InetSocketAddress(dest.GetIpv4(), m_port));
            return;
        }
    }
    if (m_transport == TCP)
    {
        header.fragment = 0;
        header.fragments = 1;
        Ptr<Packet> p = Create<Packet>(header.payloadBytes);
        p->AddHeader(header);
        m_bytesSent += p->GetSize();
        Peer& peer = m_peers[to];
        peer.queue.push_back(p);
        if (!peer.socket)
        {
            peer.socket = Socket::CreateSocket(m_node, TcpSocketFactory::GetTypeId());
            peer.socket->SetAttribute("SegmentSize", UintegerValue(m_tcpSegmentSize));
            SetTcpBuffers(peer.socket);
            peer.socket->Bind();
            peer.socket->SetConnectCallback(MakeCallback(&LlmMessenger::ConnectionSucceeded, this),
                                            MakeCallback(&LlmMessenger::ConnectionFailed, this));
            peer.socket->SetSendCallback(MakeCallback(&LlmMessenger::Flush, this));
            peer.socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                           MakeCallback(&LlmMessenger::ConnectionFailed, this));
            peer.socket->Connect(to);
        }
        else if (peer.connected)
        {
            Flush(peer.socket, peer.socket->GetTxAvailable());
        }
        return;
    }
    // UDP: fragments paced at paceBps, after whatever is already queued to this destination.
    const uint32_t fragments =
        std::max<uint32_t>(1, (header.payloadBytes + m_udpPayloadSize - 1) / m_udpPayloadSize);
    Time& next = m_nextUdpSend[to];
    next = std::max(next, Simulator::Now());
    header.fragments = fragments;
    for (uint32_t k = 0; k < fragments; ++k)
    {
        header.fragment = k;
        const uint32_t chunk =
            std::min(m_udpPayloadSize,
                     header.payloadBytes - std::min(header.payloadBytes, k * m_udpPayloadSize));
        Ptr<Packet> p = Create<Packet>(chunk);
        p->AddHeader(header);
        m_bytesSent += p->GetSize();
        Simulator::Schedule(next - Simulator::Now(), &LlmMessenger::SendDatagram, this, to, p);
        if (paceBps > 0)
        {
            // IP (20) + UDP (8) + PPP (2) bytes on the wire besides the datagram payload.
            next += Seconds((p->GetSize() + 30) * 8.0 / paceBps);
        }
    }
}

void
LlmMessenger::SendDatagram(Address to, Ptr<Packet> p)
{
    if (m_udpSend)
    {
        m_udpSend->SendTo(p, 0, to);
    }
}

LlmMessenger::Peer*
LlmMessenger::FindPeer(Ptr<Socket> socket)
{
    for (auto& [to, peer] : m_peers)
    {
        if (peer.socket == socket)
        {
            return &peer;
        }
    }
    return nullptr;
}

void
LlmMessenger::ConnectionSucceeded(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    Peer* peer = FindPeer(socket);
    if (peer)
    {
        peer->connected = true;
        Flush(socket, socket->GetTxAvailable());
    }
}

void
LlmMessenger::ConnectionFailed(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    NS_LOG_WARN("edge-llm: TCP connection failed on node " << m_node->GetId());
    // Every message not yet written is lost; the next Send opens a new connection.
    for (auto it = m_peers.begin(); it != m_peers.end(); ++it)
    {
        if (it->second.socket != socket)
        {
            continue;
        }
        std::deque<Ptr<Packet>> queue = std::move(it->second.queue);
        socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        socket->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
        m_peers.erase(it);
        for (const Ptr<Packet>& p : queue)
        {
            LlmActivationHeader h;
            p->PeekHeader(h);
            ReportLost(h);
        }
        return;
    }
}

void
LlmMessenger::Flush(Ptr<Socket> socket, uint32_t /* available */)
{
    Peer* peer = FindPeer(socket);
    if (!peer || !peer->connected)
    {
        return;
    }
    while (!peer->queue.empty())
    {
        const uint32_t available = socket->GetTxAvailable();
        if (available == 0)
        {
            return;
        }
        Ptr<Packet> front = peer->queue.front();
        const uint32_t n = std::min(available, front->GetSize() - peer->offset);
        const int sent = socket->Send(front->CreateFragment(peer->offset, n));
        if (sent <= 0)
        {
            return;
        }
        peer->offset += static_cast<uint32_t>(sent);
        if (peer->offset == front->GetSize())
        {
            peer->queue.pop_front();
            peer->offset = 0;
        }
    }
}

void
LlmMessenger::HandleAccept(Ptr<Socket> socket, const Address& from)
{
    NS_LOG_FUNCTION(this << socket << from);
    socket->SetRecvCallback(MakeCallback(&LlmMessenger::HandleTcpRead, this));
    m_accepted.push_back(socket);
}

void
LlmMessenger::HandleTcpRead(Ptr<Socket> socket)
{
    // Only the headers are kept: payload bytes are counted and dropped, so a message costs
    // the same whatever its size (appending segments to a buffer would copy it over and over).
    Address from;
    Ptr<Packet> p;
    RxStream& rx = m_rx[socket];
    const uint32_t headerSize = rx.current.GetSerializedSize();
    while ((p = socket->RecvFrom(from)))
    {
        uint32_t size = p->GetSize();
        if (size == 0)
        {
            break;
        }
        while (size > 0)
        {
            if (rx.payloadRemaining > 0)
            {
                const uint32_t take =
                    static_cast<uint32_t>(std::min<uint64_t>(rx.payloadRemaining, size));
                p->RemoveAtStart(take);
                size -= take;
                rx.payloadRemaining -= take;
                if (rx.payloadRemaining == 0)
                {
                    Deliver(rx.current, from);
                }
                continue;
            }
            const uint32_t have = rx.header ? rx.header->GetSize() : 0;
            const uint32_t take = std::min(headerSize - have, size);
            Ptr<Packet> part = p->CreateFragment(0, take);
            p->RemoveAtStart(take);
            size -= take;
            if (rx.header)
            {
                rx.header->AddAtEnd(part);
            }
            else
            {
                rx.header = part;
            }
            if (rx.header->GetSize() == headerSize)
            {
                rx.header->RemoveHeader(rx.current);
                rx.header = nullptr;
                rx.payloadRemaining = rx.current.payloadBytes;
                if (rx.payloadRemaining == 0)
                {
                    Deliver(rx.current, from);
                }
            }
        }
    }
}

void
LlmMessenger::HandleUdpRead(Ptr<Socket> socket)
{
    Address from;
    Ptr<Packet> p;
    while ((p = socket->RecvFrom(from)))
    {
        LlmActivationHeader h;
        if (p->GetSize() < h.GetSerializedSize())
        {
            continue;
        }
        p->RemoveHeader(h);
        if (h.fragments == 0 || h.fragment >= h.fragments)
        {
            continue;
        }
        const MessageKey key{h.kind, h.requestId, h.token, h.layer};
        Reassembly& r = m_reassembly[key];
        if (r.received.empty())
        {
            r.header = h;
            r.received.assign(h.fragments, false);
        }
        if (!r.received[h.fragment])
        {
            r.received[h.fragment] = true;
            ++r.count;
        }
        r.timeout.Cancel();
        if (r.count == r.received.size())
        {
            LlmActivationHeader whole = r.header;
            m_reassembly.erase(key);
            Deliver(whole, from);
            continue;
        }
        r.timeout =
            Simulator::Schedule(m_reassemblyTimeout, &LlmMessenger::ReassemblyExpired, this, key);
    }
}

void
LlmMessenger::ReassemblyExpired(MessageKey key)
{
    auto it = m_reassembly.find(key);
    if (it == m_reassembly.end())
    {
        return;
    }
    const LlmActivationHeader h = it->second.header;
    NS_LOG_INFO("edge-llm: message lost on node " << m_node->GetId() << ": " << h << " ("
                                                  << it->second.count << " of "
                                                  << it->second.received.size() << " fragments)");
    m_reassembly.erase(it);
    ReportLost(h);
}

void
LlmMessenger::ReportLost(const LlmActivationHeader& h)
{
    ++m_messagesLost;
    m_lostTrace(h);
    if (!m_lost.IsNull())
    {
        m_lost(h);
    }
}

void
LlmMessenger::DeliverLocal(uint16_t port, LlmActivationHeader h, Address from)
{
    // The messenger may have moved to another port since (a re-plan's new session): a message
    // to the old one has nobody to go to.
    if (m_port == port)
    {
        Deliver(h, from);
    }
}

void
LlmMessenger::Deliver(const LlmActivationHeader& h, const Address& from)
{
    ++m_messagesReceived;
    m_rxTrace(h);
    if (!m_receive.IsNull())
    {
        m_receive(h, from);
    }
}

uint16_t
LlmMessenger::GetPort() const
{
    return m_port;
}

uint64_t
LlmMessenger::GetBytesSent() const
{
    return m_bytesSent;
}

uint64_t
LlmMessenger::GetMessagesSent() const
{
    return m_messagesSent;
}

uint64_t
LlmMessenger::GetMessagesReceived() const
{
    return m_messagesReceived;
}

uint64_t
LlmMessenger::GetMessagesLost() const
{
    return m_messagesLost;
}

} // namespace ns3
