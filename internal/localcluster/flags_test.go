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

package localcluster

import (
	"reflect"
	"strings"
	"testing"
)

// A control plane's Config survives its command line: the local process and
// the container both start from Args.
func TestArgsRoundTrip(t *testing.T) {
	c := Config{
		Name: "kurator-1", Role: RoleControlPlane, DataDir: "/var/lib/kurator", PKIDir: "/etc/kurator/pki",
		APIServerPort: 6443, EtcdClientPort: 2379, EtcdPeerPort: 2380, BindAddress: "0.0.0.0", AdvertiseAddress: "$(POD_IP)",
		Etcd: EtcdCluster{InitialCluster: "kurator-0=https://a:2380,kurator-1=https://b:2380,kurator-2=https://c:2380",
			AdvertisePeerURL: "https://b:2380", PeerTLS: true},
	}
	got, err := ParseArgs(c.Args())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip changed the config:\n got %+v\nwant %+v", got, c)
	}
	if !got.HighlyAvailable() || got.Etcd.Members() != 3 {
		t.Fatalf("three members expected, got %d", got.Etcd.Members())
	}
	for _, a := range c.Args() {
		if strings.HasSuffix(a, "=") || strings.HasSuffix(a, "=false") || strings.HasSuffix(a, "=0") {
			t.Errorf("zero value rendered: %s", a)
		}
	}
}

func TestParseArgsRejectsBadInput(t *testing.T) {
	for name, args := range map[string][]string{
		"no ports":      {"--name=a", "--role=control-plane"},
		"unknown role":  {"--name=a", "--role=boss", "--apiserver-port=1", "--etcd-client-port=2", "--etcd-peer-port=3"},
		"unknown flag":  {"--nme=a"},
		"stray operand": {"--name=a", "--role=control-plane", "--apiserver-port=1", "--etcd-client-port=2", "--etcd-peer-port=3", "extra"},
	} {
		if _, err := ParseArgs(args); err == nil {
			t.Errorf("%s: accepted %v", name, args)
		}
	}
}
