/*
 * lwIP options for Pecan network clients (see lwip/opt.h for every option and its default).
 *
 * Current stage: NO_SYS=1, i.e. the raw (callback) API driven from one thread, no sockets and
 * no netconn, IPv4 only. The client calls lwip_init(), adds a netif on its vNIC session and
 * polls sys_check_timeouts(); sys_now() is provided by the Pecan runtime. The BSD socket API on
 * a tcpip thread (NO_SYS=0, sys_arch.c) comes later.
 */
#ifndef PECAN_LWIPOPTS_H
#define PECAN_LWIPOPTS_H

/* ---- system: no OS layer, one thread ---- */
#define NO_SYS                      1
#define LWIP_SOCKET                 0
#define LWIP_NETCONN                0
/* Core calls happen on one thread and never from interrupts: no critical sections needed. */
#define SYS_LIGHTWEIGHT_PROT        0

/* ---- memory ---- */
#define MEM_ALIGNMENT               4
#define MEM_SIZE                    (64 * 1024)
#define MEMP_NUM_PBUF               32
#define MEMP_NUM_TCP_PCB            8
#define MEMP_NUM_TCP_PCB_LISTEN     4
#define MEMP_NUM_TCP_SEG            64
#define MEMP_NUM_UDP_PCB            6
#define PBUF_POOL_SIZE              32

/* ---- protocols: IPv4 over Ethernet ---- */
#define LWIP_IPV4                   1
#define LWIP_IPV6                   0
#define LWIP_ARP                    1
#define LWIP_ETHERNET               1
#define LWIP_ICMP                   1
#define LWIP_RAW                    1
#define LWIP_UDP                    1
#define LWIP_TCP                    1
#define LWIP_DHCP                   1
#define LWIP_DNS                    1
#define LWIP_IGMP                   0
#define LWIP_AUTOIP                 0
#define IP_REASSEMBLY               1
#define IP_FRAG                     1

/* ---- TCP ---- */
#define TCP_MSS                     1460
#define TCP_WND                     (8 * TCP_MSS)
#define TCP_SND_BUF                 (8 * TCP_MSS)
#define TCP_SND_QUEUELEN            ((4 * TCP_SND_BUF) / TCP_MSS)
#define LWIP_TCP_KEEPALIVE          1

/* ---- netif ---- */
#define LWIP_NETIF_STATUS_CALLBACK  1
#define LWIP_NETIF_LINK_CALLBACK    1
#define LWIP_NETIF_HOSTNAME         1

/* ---- checks, statistics, debugging ---- */
#define LWIP_STATS                  0
#define LWIP_NOASSERT_ON_ERROR      0
/* #define LWIP_DEBUG  then set e.g. TCP_DEBUG LWIP_DBG_ON to trace a module */

#endif /* PECAN_LWIPOPTS_H */
