// Baseline xDS server for the benchmark: go-control-plane's SnapshotCache + ADS server (SotW and
// Delta), serving per-node snapshots exported by mini-istiod (bench/export-snapshots.ts), so both
// servers are measured on byte-identical resources by the same load client.
//
// Snapshot set file format (little endian), written by bench/snapshot-file.ts:
//
//	"MISNAP1\n"
//	u32 resourceCount, then per resource: str typeUrl, str name, bytes value
//	u32 nodeCount, then per node: str nodeId, u32 n, n x u32 resource index
//
// where str/bytes are a u32 length followed by the bytes.
//
// Control endpoint (loopback HTTP): GET /load?path=FILE replaces every node's snapshot and
// answers once SetSnapshot returned for all of them; GET /stats reports bytes sent, responses
// and the largest response as the server marshalled them.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"

	clusterservice "github.com/envoyproxy/go-control-plane/envoy/service/cluster/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	cachev3 "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	// Registers the Envoy message types that anypb.UnmarshalNew resolves type URLs against.
	_ "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
)

const magic = "MISNAP1\n"

type stats struct {
	bytes     atomic.Int64
	responses atomic.Int64
	largest   atomic.Int64
}

func (s *stats) record(size int) {
	s.bytes.Add(int64(size))
	s.responses.Add(1)
	for {
		cur := s.largest.Load()
		if int64(size) <= cur || s.largest.CompareAndSwap(cur, int64(size)) {
			return
		}
	}
}

type rawResource struct {
	typeURL string
	msg     types.Resource
}

// loader keeps decoded messages by content hash across sets, so a resource unchanged between two
// sets is the same object (as a real control plane would keep it) and is not decoded again.
type loader struct {
	mu    sync.Mutex
	cache cachev3.SnapshotCache
	known map[string]rawResource
	nodes map[string]bool
}

func readU32(r *bufio.Reader) (uint32, error) {
	var b [4]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}

func readBytes(r *bufio.Reader) ([]byte, error) {
	n, err := readU32(r)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, n)
	_, err = io.ReadFull(r, buf)
	return buf, err
}

func (l *loader) load(path string) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(r, head); err != nil || string(head) != magic {
		return 0, errors.New("not a snapshot set file")
	}
	count, err := readU32(r)
	if err != nil {
		return 0, err
	}
	resources := make([]rawResource, count)
	hashes := make([]string, count)
	next := make(map[string]rawResource, count)
	for i := range resources {
		typeURL, err1 := readBytes(r)
		name, err2 := readBytes(r)
		value, err3 := readBytes(r)
		if err := errors.Join(err1, err2, err3); err != nil {
			return 0, err
		}
		sum := sha256.Sum256(append(append(append([]byte{}, typeURL...), name...), value...))
		key := hex.EncodeToString(sum[:16])
		hashes[i] = key
		res, ok := l.known[key]
		if !ok {
			msg, err := anypb.UnmarshalNew(&anypb.Any{TypeUrl: string(typeURL), Value: value}, proto.UnmarshalOptions{})
			if err != nil {
				return 0, fmt.Errorf("resource %s: %w", name, err)
			}
			res = rawResource{typeURL: string(typeURL), msg: msg}
		}
		resources[i] = res
		next[key] = res
	}
	l.known = next
	nodeCount, err := readU32(r)
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	for n := uint32(0); n < nodeCount; n++ {
		id, err := readBytes(r)
		if err != nil {
			return 0, err
		}
		k, err := readU32(r)
		if err != nil {
			return 0, err
		}
		byType := map[string][]types.Resource{}
		keysByType := map[string][]string{}
		for j := uint32(0); j < k; j++ {
			idx, err := readU32(r)
			if err != nil {
				return 0, err
			}
			res := resources[idx]
			byType[res.typeURL] = append(byType[res.typeURL], res.msg)
			keysByType[res.typeURL] = append(keysByType[res.typeURL], hashes[idx])
		}
		snap := &cachev3.Snapshot{}
		for typeURL, items := range byType {
			index := cachev3.GetResponseType(typeURL)
			if index == types.UnknownType {
				return 0, fmt.Errorf("unknown type %s", typeURL)
			}
			// Per-type content versions: a type whose resources did not change keeps its version,
			// so the SotW server does not resend it (the same skip mini-istiod makes).
			keys := keysByType[typeURL]
			sort.Strings(keys)
			h := sha256.New()
			for _, key := range keys {
				h.Write([]byte(key))
			}
			snap.Resources[index] = cachev3.NewResources(hex.EncodeToString(h.Sum(nil)[:8]), items)
		}
		for i := range snap.Resources {
			if snap.Resources[i].Items == nil {
				snap.Resources[i] = cachev3.NewResources("empty", nil)
			}
		}
		if err := l.cache.SetSnapshot(context.Background(), string(id), snap); err != nil {
			return 0, err
		}
		seen[string(id)] = true
	}
	for id := range l.nodes {
		if !seen[id] {
			l.cache.ClearSnapshot(id)
		}
	}
	l.nodes = seen
	return int(nodeCount), nil
}

func main() {
	xdsPort := flag.Int("xds-port", 0, "ADS port (0: any)")
	controlPort := flag.Int("control-port", 0, "loopback control HTTP port (0: any)")
	initial := flag.String("set", "", "snapshot set file to load at start")
	flag.Parse()

	var st stats
	snapshots := cachev3.NewSnapshotCache(true, cachev3.IDHash{}, nil)
	callbacks := serverv3.CallbackFuncs{
		StreamResponseFunc: func(_ context.Context, _ int64, _ *discovery.DiscoveryRequest, resp *discovery.DiscoveryResponse) {
			st.record(proto.Size(resp))
		},
		StreamDeltaResponseFunc: func(_ int64, _ *discovery.DeltaDiscoveryRequest, resp *discovery.DeltaDiscoveryResponse) {
			st.record(proto.Size(resp))
		},
	}
	xds := serverv3.NewServer(context.Background(), snapshots, callbacks)
	l := &loader{cache: snapshots, known: map[string]rawResource{}, nodes: map[string]bool{}}
	if *initial != "" {
		if _, err := l.load(*initial); err != nil {
			log.Fatalf("load %s: %v", *initial, err)
		}
	}

	grpcServer := grpc.NewServer(grpc.MaxConcurrentStreams(1 << 20))
	discovery.RegisterAggregatedDiscoveryServiceServer(grpcServer, xds)
	clusterservice.RegisterClusterDiscoveryServiceServer(grpcServer, xds)
	lis, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *xdsPort))
	if err != nil {
		log.Fatal(err)
	}
	ctl, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *controlPort))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/load", func(w http.ResponseWriter, r *http.Request) {
		n, err := l.load(r.URL.Query().Get("path"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]int{"nodes": n})
	})
	mux.HandleFunc("/stats", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]int64{
			"bytesSent": st.bytes.Load(), "responses": st.responses.Load(), "largestResponse": st.largest.Load(),
		})
	})
	go func() { log.Fatal(http.Serve(ctl, mux)) }()
	// The harness reads the two ports from this first line of stdout.
	fmt.Printf("{\"xdsPort\":%d,\"controlPort\":%d}\n", lis.Addr().(*net.TCPAddr).Port, ctl.Addr().(*net.TCPAddr).Port)
	log.Fatal(grpcServer.Serve(lis))
}
