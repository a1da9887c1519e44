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
package localfleet

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	. "github.com/onsi/gomega"

	"kurator.dev/kurator/internal/localcluster"
	"kurator.dev/kurator/internal/pki"
)

func testState() *State {
	return &State{
		Version: stateVersion, FleetName: "f", FleetNamespace: "kurator-system", ControllerManagerHealth: 40000,
		Clusters: []localcluster.Config{
			{Name: ControlPlaneName, Role: localcluster.RoleControlPlane, APIServerPort: 40001, EtcdClientPort: 40002, EtcdPeerPort: 40003},
			{Name: "a", Role: localcluster.RoleMember, APIServerPort: 40011, EtcdClientPort: 40012, EtcdPeerPort: 40013, MetricsPort: 40014, MetricsAPIPort: 40015, Nodes: localcluster.DefaultNodePool()},
		},
	}
}

func writeState(t *testing.T, l Layout, content string) {
	t.Helper()
	if err := os.WriteFile(l.stateFile(), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func ensureBundles(t *testing.T, l Layout, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := ensurePKI(l, n); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLayoutSaveAndLoad(t *testing.T) {
	g := NewWithT(t)
	l := Layout{Dir: t.TempDir()}
	g.Expect(l.exists()).To(BeFalse())
	_, err := l.load()
	g.Expect(err).To(MatchError(os.ErrNotExist))

	ensureBundles(t, l, ControlPlaneName, "a")
	want := testState()
	g.Expect(l.save(want)).To(Succeed())
	g.Expect(l.exists()).To(BeTrue())
	info, err := os.Stat(l.stateFile())
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o600)))
	_, err = os.Stat(l.stateFile() + ".tmp")
	g.Expect(err).To(MatchError(os.ErrNotExist), "the temporary file is renamed away")

	got, err := l.load()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(got).To(Equal(want))
}

func TestLayoutLoadErrors(t *testing.T) {
	cases := map[string]struct {
		state   func(*State) // nil: write raw instead
		raw     string
		pki     []string
		corrupt func(Layout)
		want    []string
		wantIs  error
	}{
		"not JSON": {
			raw:  "{\"version\": 1,",
			want: []string{"is corrupt", "state.json", "kurator down --purge"},
		},
		"wrong version": {
			state: func(s *State) { s.Version = 7 },
			want:  []string{"has layout version 7, this kurator understands 2", "remove the directory"},
		},
		"no clusters": {
			state: func(s *State) { s.Clusters = nil },
			want:  []string{"is corrupt: no control plane recorded"},
		},
		"control plane not first": {
			state: func(s *State) { s.Clusters[0], s.Clusters[1] = s.Clusters[1], s.Clusters[0] },
			want:  []string{"is corrupt: no control plane recorded"},
		},
		"bad port": {
			state: func(s *State) { s.Clusters[1].EtcdPeerPort = 0 },
			pki:   []string{ControlPlaneName, "a"},
			want:  []string{"is corrupt: cluster a: etcdPeerPort 0 out of range"},
		},
		"missing PKI of a member": {
			state:  func(*State) {},
			pki:    []string{ControlPlaneName},
			want:   []string{"is corrupt", "pki bundle is incomplete", filepath.Join("clusters", "a", "pki")},
			wantIs: pki.ErrIncomplete,
		},
		"missing one PKI file": {
			state:   func(*State) {},
			pki:     []string{ControlPlaneName, "a"},
			corrupt: func(l Layout) { _ = os.Remove(l.pki(ControlPlaneName).Path(pki.AdminKey)) },
			want:    []string{"pki bundle is incomplete", filepath.Join("clusters", "kurator", "pki")},
			wantIs:  pki.ErrIncomplete,
		},
		"corrupt CA": {
			state:   func(*State) {},
			pki:     []string{ControlPlaneName, "a"},
			corrupt: func(l Layout) { _ = os.WriteFile(l.pki("a").Path(pki.CACert), []byte("garbage"), 0o600) },
			want:    []string{"is corrupt", "ca.crt is not PEM"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			l := Layout{Dir: t.TempDir()}
			ensureBundles(t, l, tc.pki...)
			if tc.corrupt != nil {
				tc.corrupt(l)
			}
			if tc.state != nil {
				s := testState()
				tc.state(s)
				g.Expect(l.save(s)).To(Succeed())
			} else {
				writeState(t, l, tc.raw)
			}
			got, err := l.load()
			g.Expect(got).To(BeNil())
			g.Expect(err).To(HaveOccurred())
			g.Expect(err.Error()).To(ContainSubstring("state directory " + l.Dir))
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
			if tc.wantIs != nil {
				g.Expect(errors.Is(err, tc.wantIs)).To(BeTrue(), "errors.Is(%v, %v)", err, tc.wantIs)
			}
		})
	}
}

func TestStateMember(t *testing.T) {
	g := NewWithT(t)
	s := testState()
	c, err := s.Member("a")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(c.APIServerPort).To(Equal(40011))
	_, err = s.Member(ControlPlaneName)
	g.Expect(err).To(MatchError(`no member cluster "kurator" in this fleet (members: [a])`))
}

func TestCheckPortFree(t *testing.T) {
	g := NewWithT(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	g.Expect(err).NotTo(HaveOccurred())
	port := l.Addr().(*net.TCPAddr).Port

	err = checkPortFree(port, "a kube-apiserver")
	g.Expect(err).To(HaveOccurred())
	g.Expect(err.Error()).To(ContainSubstring("port " + strconv.Itoa(port) + " (a kube-apiserver) is in use"))

	g.Expect(l.Close()).To(Succeed())
	g.Expect(checkPortFree(port, "a kube-apiserver")).To(Succeed())
	// checkPortFree released the port again.
	g.Expect(checkPortFree(port, "a kube-apiserver")).To(Succeed())
}

func TestFreePorts(t *testing.T) {
	g := NewWithT(t)
	ports, err := freePorts(4)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(ports).To(HaveLen(4))
	seen := map[int]bool{}
	for _, p := range ports {
		g.Expect(p).To(BeNumerically(">", 0))
		g.Expect(seen).NotTo(HaveKey(p))
		seen[p] = true
		g.Expect(checkPortFree(p, "test")).To(Succeed(), "port %d released", p)
	}
}
