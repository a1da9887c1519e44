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
package kubeconfig

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"kurator.dev/kurator/internal/pki"
)

func bundle(t *testing.T, name string) pki.Bundle {
	t.Helper()
	b, err := pki.Ensure(filepath.Join(t.TempDir(), name), name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func read(t *testing.T, b pki.Bundle, name string) []byte {
	t.Helper()
	data, err := b.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestBuild(t *testing.T) {
	g := NewWithT(t)
	a, b := bundle(t, "a"), bundle(t, "b")
	cfg, err := Build(
		Entry{Context: "a", Server: "https://127.0.0.1:6443", PKI: a},
		Entry{Context: "b", Server: "https://127.0.0.1:7443", PKI: b},
	)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.CurrentContext).To(Equal("a"), "the first entry is current")
	g.Expect(cfg.Contexts).To(HaveLen(2))
	g.Expect(cfg.Clusters).To(HaveLen(2))
	g.Expect(cfg.AuthInfos).To(HaveLen(2))
	for _, e := range []struct {
		name, server string
		pki          pki.Bundle
	}{{"a", "https://127.0.0.1:6443", a}, {"b", "https://127.0.0.1:7443", b}} {
		ctx := cfg.Contexts[e.name]
		g.Expect(ctx).NotTo(BeNil())
		g.Expect(ctx.Cluster).To(Equal(e.name))
		g.Expect(ctx.AuthInfo).To(Equal(e.name))
		g.Expect(cfg.Clusters[e.name].Server).To(Equal(e.server))
		g.Expect(cfg.Clusters[e.name].CertificateAuthorityData).To(Equal(read(t, e.pki, pki.CACert)))
		g.Expect(cfg.AuthInfos[e.name].ClientCertificateData).To(Equal(read(t, e.pki, pki.AdminCert)))
		g.Expect(cfg.AuthInfos[e.name].ClientKeyData).To(Equal(read(t, e.pki, pki.AdminKey)))
		g.Expect(cfg.AuthInfos[e.name].ClientCertificate).To(BeEmpty(), "credentials are embedded, not referenced")
	}

	// The result is a usable client configuration.
	rc, err := clientcmd.NewDefaultClientConfig(*cfg, &clientcmd.ConfigOverrides{CurrentContext: "b"}).ClientConfig()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(rc.Host).To(Equal("https://127.0.0.1:7443"))
	g.Expect(rc.TLSClientConfig.CAData).To(Equal(read(t, b, pki.CACert)))
}

func TestBuildMissingPKI(t *testing.T) {
	g := NewWithT(t)
	_, err := Build(Entry{Context: "a", Server: "https://127.0.0.1:6443", PKI: pki.Bundle{Dir: filepath.Join(t.TempDir(), "none")}})
	g.Expect(err).To(MatchError(os.ErrNotExist))
}

// userConfig is a kubeconfig the user already has, with another cluster.
func userConfig(current string) *clientcmdapi.Config {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["prod"] = &clientcmdapi.Cluster{Server: "https://prod.example.com"}
	cfg.AuthInfos["prod-admin"] = &clientcmdapi.AuthInfo{Token: "t0ken"}
	cfg.Contexts["prod"] = &clientcmdapi.Context{Cluster: "prod", AuthInfo: "prod-admin", Namespace: "web"}
	cfg.CurrentContext = current
	return cfg
}

func readFile(t *testing.T, path string) *clientcmdapi.Config {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func expectMode0600(g Gomega, path string) {
	info, err := os.Stat(path)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o600)), "mode of %s", path)
}

func TestMerge(t *testing.T) {
	ours, err := Build(Entry{Context: "a", Server: "https://127.0.0.1:6443", PKI: bundle(t, "a")}, Entry{Context: "b", Server: "https://127.0.0.1:7443", PKI: bundle(t, "b")})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		existing     *clientcmdapi.Config // nil: no file
		wantCurrent  string
		wantContexts []string
	}{
		"into a missing file":                      {wantCurrent: "a", wantContexts: []string{"a", "b"}},
		"keeps other contexts and the current one": {existing: userConfig("prod"), wantCurrent: "prod", wantContexts: []string{"prod", "a", "b"}},
		"sets the current context when none":       {existing: userConfig(""), wantCurrent: "a", wantContexts: []string{"prod", "a", "b"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			path := filepath.Join(t.TempDir(), "nested", ".kube", "config")
			if tc.existing != nil {
				g.Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
				g.Expect(clientcmd.WriteToFile(*tc.existing, path)).To(Succeed())
				g.Expect(os.Chmod(path, 0o644)).To(Succeed())
			}
			g.Expect(Merge(path, ours)).To(Succeed())
			expectMode0600(g, path)

			got := readFile(t, path)
			g.Expect(got.CurrentContext).To(Equal(tc.wantCurrent))
			g.Expect(got.Contexts).To(HaveLen(len(tc.wantContexts)))
			for _, c := range tc.wantContexts {
				g.Expect(got.Contexts).To(HaveKey(c))
			}
			g.Expect(got.Clusters["a"].Server).To(Equal("https://127.0.0.1:6443"))
			g.Expect(got.AuthInfos["b"].ClientKeyData).To(Equal(ours.AuthInfos["b"].ClientKeyData))
			if tc.existing != nil {
				g.Expect(got.Contexts["prod"].Namespace).To(Equal("web"))
				g.Expect(got.Clusters["prod"].Server).To(Equal("https://prod.example.com"))
				g.Expect(got.AuthInfos["prod-admin"].Token).To(Equal("t0ken"))
			}
		})
	}
}

func TestMergeReplacesOurOwnEntries(t *testing.T) {
	g := NewWithT(t)
	path := filepath.Join(t.TempDir(), "config")
	pk := bundle(t, "a")
	first, err := Build(Entry{Context: "a", Server: "https://127.0.0.1:6443", PKI: pk})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(Merge(path, first)).To(Succeed())
	second, err := Build(Entry{Context: "a", Server: "https://127.0.0.1:9443", PKI: pk})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(Merge(path, second)).To(Succeed())
	got := readFile(t, path)
	g.Expect(got.Contexts).To(HaveLen(1))
	g.Expect(got.Clusters["a"].Server).To(Equal("https://127.0.0.1:9443"))
}

func TestMergeIntoUnreadableFile(t *testing.T) {
	g := NewWithT(t)
	path := filepath.Join(t.TempDir(), "config")
	g.Expect(os.WriteFile(path, []byte("apiVersion: [\n"), 0o600)).To(Succeed())
	err := Merge(path, clientcmdapi.NewConfig())
	g.Expect(err).To(MatchError(ContainSubstring("read kubeconfig " + path)))
	data, _ := os.ReadFile(path)
	g.Expect(string(data)).To(Equal("apiVersion: [\n"), "a file that cannot be parsed is not overwritten")
}

func TestRemove(t *testing.T) {
	g := NewWithT(t)
	ours, err := Build(Entry{Context: "a", Server: "https://127.0.0.1:6443", PKI: bundle(t, "a")}, Entry{Context: "b", Server: "https://127.0.0.1:7443", PKI: bundle(t, "b")})
	g.Expect(err).NotTo(HaveOccurred())

	t.Run("missing file is fine and stays missing", func(t *testing.T) {
		g := NewWithT(t)
		path := filepath.Join(t.TempDir(), "config")
		g.Expect(Remove(path, []string{"a"})).To(Succeed())
		_, err := os.Stat(path)
		g.Expect(err).To(MatchError(os.ErrNotExist))
	})
	cases := map[string]struct {
		current     string
		remove      []string
		wantCurrent string
		wantLeft    []string
	}{
		"only the named contexts go":   {current: "prod", remove: []string{"a", "b"}, wantCurrent: "prod", wantLeft: []string{"prod"}},
		"one of ours stays":            {current: "prod", remove: []string{"a"}, wantCurrent: "prod", wantLeft: []string{"prod", "b"}},
		"removing the current context": {current: "a", remove: []string{"a", "b"}, wantCurrent: "", wantLeft: []string{"prod"}},
		"unknown names are ignored":    {current: "b", remove: []string{"nope"}, wantCurrent: "b", wantLeft: []string{"prod", "a", "b"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			path := filepath.Join(t.TempDir(), "config")
			g.Expect(clientcmd.WriteToFile(*userConfig(""), path)).To(Succeed())
			g.Expect(Merge(path, ours)).To(Succeed())
			cfg := readFile(t, path)
			cfg.CurrentContext = tc.current
			g.Expect(clientcmd.WriteToFile(*cfg, path)).To(Succeed())

			g.Expect(Remove(path, tc.remove)).To(Succeed())
			expectMode0600(g, path)
			got := readFile(t, path)
			g.Expect(got.CurrentContext).To(Equal(tc.wantCurrent))
			g.Expect(got.Contexts).To(HaveLen(len(tc.wantLeft)))
			for _, c := range tc.wantLeft {
				g.Expect(got.Contexts).To(HaveKey(c))
			}
			for _, gone := range tc.remove {
				g.Expect(got.Clusters).NotTo(HaveKey(gone))
				g.Expect(got.AuthInfos).NotTo(HaveKey(gone))
			}
			g.Expect(got.Clusters).To(HaveKey("prod"))
			g.Expect(got.AuthInfos).To(HaveKey("prod-admin"))
		})
	}
}

func TestUserPath(t *testing.T) {
	home := t.TempDir()
	cases := map[string]struct {
		env  string
		want string
	}{
		"unset uses ~/.kube/config": {env: "", want: filepath.Join(home, ".kube", "config")},
		"single entry":              {env: "/tmp/k1", want: "/tmp/k1"},
		"first of several":          {env: "/tmp/k1:/tmp/k2", want: "/tmp/k1"},
		"empty entries are skipped": {env: "::/tmp/k2:/tmp/k1", want: "/tmp/k2"},
		"only separators":           {env: ":", want: filepath.Join(home, ".kube", "config")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			t.Setenv("HOME", home)
			t.Setenv(clientcmd.RecommendedConfigPathEnvVar, tc.env)
			got, err := UserPath()
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(Equal(tc.want))
		})
	}
}
