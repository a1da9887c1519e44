/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

	http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/
package join

import (
	"context"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/client-go/tools/clientcmd"
)

const versionJSON = `{"major":"1","minor":"37","gitVersion":"v1.37.2"}`

// authLog records the Authorization headers the fake API server saw.
type authLog struct {
	mu  sync.Mutex
	all []string
}

func (a *authLog) add(s string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.all = append(a.all, s)
}

func (a *authLog) take() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	all := a.all
	a.all = nil
	return all
}

// fakeAPIServer answers /version like a kube-apiserver.
func fakeAPIServer(t *testing.T) (*httptest.Server, *authLog) {
	auth := &authLog{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth.add(r.Header.Get("Authorization"))
		if r.URL.Path != "/version" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, versionJSON)
	}))
	t.Cleanup(srv.Close)
	return srv, auth
}

// kubeconfig renders a kubeconfig with one context per server; cluster
// carries extra cluster fields (indented for the cluster block).
func kubeconfig(current string, servers map[string]string, cluster string) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Config\ncurrent-context: \"" + current + "\"\nclusters:\n")
	for name, server := range servers {
		fmt.Fprintf(&b, "- name: %s\n  cluster:\n    server: %s\n%s", name, server, cluster)
	}
	b.WriteString("users:\n")
	for name := range servers {
		fmt.Fprintf(&b, "- name: %s\n  user:\n    token: secret-token-%s\n", name, name)
	}
	b.WriteString("contexts:\n")
	for name := range servers {
		fmt.Fprintf(&b, "- name: %s\n  context:\n    cluster: %s\n    user: %s\n", name, name, name)
	}
	return []byte(b.String())
}

const insecure = "    insecure-skip-tls-verify: true\n"

func TestCheckErrors(t *testing.T) {
	good := kubeconfig("a", map[string]string{"a": "https://127.0.0.1:1"}, insecure)
	cases := map[string]struct {
		req  Request
		want []string
	}{
		"invalid name":          {req: Request{Name: "Bad_Name", Kubeconfig: good}, want: []string{`invalid cluster name "Bad_Name"`}},
		"empty name":            {req: Request{Name: "", Kubeconfig: good}, want: []string{`invalid cluster name ""`}},
		"invalid label key":     {req: Request{Name: "a", Kubeconfig: good, Labels: map[string]string{"bad key!": "x"}}, want: []string{`invalid label key "bad key!"`}},
		"invalid label value":   {req: Request{Name: "a", Kubeconfig: good, Labels: map[string]string{"env": "not ok!"}}, want: []string{`invalid value for label "env"`}},
		"label value too long":  {req: Request{Name: "a", Kubeconfig: good, Labels: map[string]string{"env": strings.Repeat("x", 64)}}, want: []string{`invalid value for label "env"`}},
		"unparsable kubeconfig": {req: Request{Name: "a", Kubeconfig: []byte("clusters: [")}, want: []string{"the kubeconfig cannot be parsed"}},
		"unknown context": {
			req:  Request{Name: "a", Kubeconfig: good, Context: "nope"},
			want: []string{`the kubeconfig has no context "nope"`},
		},
		"no current context": {
			req:  Request{Name: "a", Kubeconfig: kubeconfig("", map[string]string{"a": "https://127.0.0.1:1"}, insecure)},
			want: []string{"no current context; pass --context"},
		},
		"empty kubeconfig": {req: Request{Name: "a", Kubeconfig: []byte{}}, want: []string{"no current context"}},
		"context without its cluster": {
			req:  Request{Name: "a", Kubeconfig: []byte("apiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts:\n- name: a\n  context: {cluster: gone, user: gone}\n")},
			want: []string{"the kubeconfig is incomplete"},
		},
		"unreadable file reference": {
			req:  Request{Name: "a", Kubeconfig: kubeconfig("a", map[string]string{"a": "https://127.0.0.1:1"}, "    certificate-authority: /nonexistent/ca.crt\n")},
			want: []string{"references files that cannot be read"},
		},
		"unreachable server": {
			req:  Request{Name: "a", Kubeconfig: good, Timeout: 2 * time.Second},
			want: []string{"cannot reach the cluster at https://127.0.0.1:1"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			data, version, err := Check(context.Background(), tc.req)
			g.Expect(err).To(HaveOccurred())
			g.Expect(data).To(BeNil())
			g.Expect(version).To(BeEmpty())
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
			g.Expect(err.Error()).NotTo(ContainSubstring("secret-token"), "credentials never appear in errors")
		})
	}
}

func TestCheckSucceeds(t *testing.T) {
	srv, auth := fakeAPIServer(t)
	caFile := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		kubeconfig  []byte
		context     string
		wantContext string
		wantCAData  bool
	}{
		"current context, insecure": {
			kubeconfig:  kubeconfig("a", map[string]string{"a": srv.URL}, insecure),
			wantContext: "a",
		},
		"selected context among several": {
			kubeconfig:  kubeconfig("a", map[string]string{"a": "https://127.0.0.1:1", "b": srv.URL}, insecure),
			context:     "b",
			wantContext: "b",
		},
		"CA file is embedded": {
			kubeconfig:  kubeconfig("a", map[string]string{"a": srv.URL}, "    certificate-authority: "+caFile+"\n"),
			wantContext: "a",
			wantCAData:  true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			auth.take()
			data, version, err := Check(context.Background(), Request{
				Name: "a", Kubeconfig: tc.kubeconfig, Context: tc.context,
				Labels: map[string]string{"region": "eu-central", "kurator.dev/tier": "gold"}, Timeout: 5 * time.Second,
			})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(version).To(Equal("v1.37.2"))
			g.Expect(auth.take()).To(ConsistOf("Bearer secret-token-" + tc.wantContext))

			cfg, err := clientcmd.Load(data)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(cfg.Contexts).To(HaveLen(1))
			g.Expect(cfg.Contexts).To(HaveKey(tc.wantContext))
			g.Expect(cfg.CurrentContext).To(Equal(tc.wantContext))
			g.Expect(cfg.Clusters).To(HaveLen(1))
			g.Expect(cfg.AuthInfos).To(HaveLen(1))
			cluster := cfg.Clusters[cfg.Contexts[tc.wantContext].Cluster]
			g.Expect(cluster.Server).To(Equal(srv.URL))
			g.Expect(cluster.CertificateAuthority).To(BeEmpty(), "no file references are left")
			if tc.wantCAData {
				g.Expect(cluster.CertificateAuthorityData).NotTo(BeEmpty())
			}
		})
	}
}

func TestProbeHonoursContext(t *testing.T) {
	g := NewWithT(t)
	release := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	cfg, err := clientcmd.RESTConfigFromKubeConfig(kubeconfig("a", map[string]string{"a": srv.URL}, insecure))
	g.Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Probe(ctx, cfg, time.Minute)
	g.Expect(err).To(MatchError(context.Canceled))
}

func TestSecretName(t *testing.T) {
	NewWithT(t).Expect(SecretName("cluster-a")).To(Equal("cluster-a-kubeconfig"))
}
