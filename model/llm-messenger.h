// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_MESSENGER_H
#define LLM_MESSENGER_H

#include "llm-activation-header.h"
#include "ns3/address.h"
#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/ptr.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <map>
#include <tuple>
#include <vector>

namespace ns3
{

class Node;
class Packet;
class Socket;

/**
 * @ingroup edge-llm
 * @brief Moves edge-llm messages (LlmActivationHeader + payload bytes) between nodes.
 *
 * TCP (default): one persistent connection per destination, messages written back to back on
 * the stream as header + payload and cut out again by the receiver (length-prefixed). UDP: a
 * message is split into datagrams of at most UdpPayloadSize payload bytes, each with the header
 * (fragment index and count), paced at the sender at the given rate (the link's Ω_ij); the
 * receiver reassembles them and, when no fragment of an incomplete message arrives for
 * ReassemblyTimeout, reports the message lost (never delivered).
 */
class LlmMessenger : public Object
{
  public:
    /// Transport protocol.
    enum Transport
    {
        TCP, //!< Persistent TCP connections, length-prefixed messages
        UDP  //!< Datagrams with fragment numbers, paced, loss detected
    };

    /**
     * @brief Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();

    LlmMessenger();
    ~LlmMessenger() override;

    /**
     * TracedCallback signature of the message traces.
     * @param header the message header
     */
    typedef void (*HeaderTracedCallback)(const LlmActivationHeader& header);

    /// Called with the header of each complete message and the sender's address.
    using ReceiveCallback = Callback<void, const LlmActivationHeader&, const Address&>;
    /// Called with the header of each message detected lost (UDP).
    using LostCallback = Callback<void, const LlmActivationHeader&>;

    /**
     * @brief Open the listening socket.
     * @param node the node
     * @param port the port to listen on
     */
    void Start(Ptr<Node> node, uint16_t port);

    /// Close every socket and cancel timers. Start() may follow, on another port (a new
    /// session: messages to the old port are no longer delivered).
    void Stop();

    /// @return the port listened on (0: not started)
    uint16_t GetPort() const;

    /**
     * @brief Send a message.
     * @param to destination (InetSocketAddress)
     * @param header the header; payloadBytes says how many payload bytes follow
     * @param paceBps UDP only: sending rate, bit/s (0: no pacing)
     */
    void Send(const Address& to, LlmActivationHeader header, double paceBps);

    /**
     * @brief Set the receive callback.
     * @param cb the callback
     */
    void SetReceiveCallback(ReceiveCallback cb);

    /**
     * @brief Set the lost-message callback.
     * @param cb the callback
     */
    void SetLostCallback(LostCallback cb);

    /// @return bytes handed to sockets (headers and payload)
    uint64_t GetBytesSent() const;
    /// @return messages sent
    uint64_t GetMessagesSent() const;
    /// @return messages received complete
    uint64_t GetMessagesReceived() const;
    /// @return messages detected lost
    uint64_t GetMessagesLost() const;

  protected:
    void DoDispose() override;

  private:
    /**
     * @brief Forget the sockets, reassembly state and the registry entry.
     * @param close close the sockets (a graceful stop) rather than just dropping them
     *        (teardown)
     */
    void Release(bool close);
    /**
     * @brief Apply TcpBufferSize to a TCP socket (nothing when it is 0).
     * @param socket the socket
     */
    void SetTcpBuffers(Ptr<Socket> socket) const;
    /// An outgoing TCP connection with its queue of messages.
    struct Peer
    {
        Ptr<Socket> socket;            //!< Connected socket
        std::deque<Ptr<Packet>> queue; //!< Messages not yet fully written
        uint32_t offset{0};            //!< Bytes of queue.front() already written
        bool connected{false};         //!< Connection established
    };

    /// A UDP message being reassembled.
    struct Reassembly
    {
        LlmActivationHeader header; //!< Header of the first fragment seen
        std::vector<bool> received; //!< Fragments seen
        uint32_t count{0};          //!< Distinct fragments seen
        EventId timeout;            //!< Idle timer
    };

    /// Key of a message: kind, request, token, layer.
    using MessageKey = std::tuple<uint8_t, uint32_t, uint32_t, uint32_t>;

    /// Hand a complete message to this messenger's receive callback.
    void Deliver(const LlmActivationHeader& h, const Address& from);
    /**
     * @brief Deliver a message a node sent itself, if this messenger still listens on the port
     *        it was sent to.
     * @param port the destination port
     * @param h the header
     * @param from the sender's address
     */
    void DeliverLocal(uint16_t port, LlmActivationHeader h, Address from);
    /// The messenger listening on (node, port), for messages a node sends itself.
    static LlmMessenger* FindLocal(uint32_t node, uint16_t port);
    void HandleAccept(Ptr<Socket> socket, const Address& from);
    void HandleTcpRead(Ptr<Socket> socket);
    void HandleUdpRead(Ptr<Socket> socket);
    void Flush(Ptr<Socket> socket, uint32_t available);
    void ConnectionSucceeded(Ptr<Socket> socket);
    void ConnectionFailed(Ptr<Socket> socket);
    /**
     * @brief Count a lost message and tell the owner (Lost trace, lost callback).
     * @param h the lost message's header
     */
    void ReportLost(const LlmActivationHeader& h);
    void SendDatagram(Address to, Ptr<Packet> p);
    void ReassemblyExpired(MessageKey key);
    Peer* FindPeer(Ptr<Socket> socket);

    Transport m_transport;               //!< TCP or UDP
    uint32_t m_udpPayloadSize;           //!< Payload bytes per datagram (UDP)
    uint32_t m_tcpSegmentSize;           //!< TCP MSS of the messenger's sockets, bytes
    uint32_t m_tcpBufferSize{0};         //!< TCP send/receive buffer, bytes (0: socket default)
    Time m_reassemblyTimeout;            //!< Idle time before an incomplete message is lost (UDP)
    Ptr<Node> m_node;                    //!< The node
    uint16_t m_port{0};                  //!< Listening port (0: not started)
    Ptr<Socket> m_listen;                //!< Listening (TCP) or bound (UDP) socket
    std::vector<Ptr<Socket>> m_accepted; //!< Accepted TCP sockets
    /// Where a TCP byte stream stands: inside a header or inside a payload.
    struct RxStream
    {
        Ptr<Packet> header;           //!< Header bytes received so far (inside a header)
        LlmActivationHeader current;  //!< Header of the message whose payload is arriving
        uint64_t payloadRemaining{0}; //!< Payload bytes still to come (0: inside a header)
    };

    std::map<Ptr<Socket>, RxStream> m_rx;          //!< Stream state per accepted socket
    std::map<Address, Peer> m_peers;               //!< Outgoing TCP connections by destination
    std::map<Address, Time> m_nextUdpSend;         //!< Pacing: next free send time per destination
    std::map<MessageKey, Reassembly> m_reassembly; //!< UDP messages being reassembled
    Ptr<Socket> m_udpSend;                         //!< Socket UDP datagrams are sent from
    ReceiveCallback m_receive;                     //!< Receive callback
    LostCallback m_lost;                           //!< Lost callback
    uint64_t m_bytesSent{0};                       //!< Bytes handed to sockets
    uint64_t m_messagesSent{0};                    //!< Messages sent
    uint64_t m_messagesReceived{0};                //!< Messages received
    uint64_t m_messagesLost{0};                    //!< Messages lost

    TracedCallback<const LlmActivationHeader&> m_txTrace;   //!< A message was queued for sending
    TracedCallback<const LlmActivationHeader&> m_rxTrace;   //!< A message arrived complete
    TracedCallback<const LlmActivationHeader&> m_lostTrace; //!< A message was detected lost
};

} // namespace ns3

#endif // LLM_MESSENGER_H
