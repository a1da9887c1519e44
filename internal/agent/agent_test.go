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

package agent

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func validOptions() Options {
	o := DefaultOptions()
	o.ClusterName, o.ControlPlane, o.ControlPlaneCAFile = "edge-01", "https://kurator.example.com:6443", "/etc/kurator/ca.crt"
	return o
}

func TestValidateNamesTheFlag(t *testing.T) {
	if err := func() error { o := validOptions(); return o.Validate() }(); err != nil {
		t.Fatalf("defaults with the required flags: %v", err)
	}
	for _, tc := range []struct {
		name   string
		mutate func(*Options)
		want   string
	}{
		{"no cluster", func(o *Options) { o.ClusterName = "" }, "--cluster-name is required"},
		{"garbage address", func(o *Options) { o.ControlPlane = "kurator:6443" }, `--control-plane "kurator:6443" is not the control plane's address`},
		{"plain http", func(o *Options) { o.ControlPlane = "http://kurator:6443" }, "want https://host:port"},
		{"a path", func(o *Options) { o.ControlPlane = "https://kurator:6443/api" }, "want https://host:port"},
		{"no CA", func(o *Options) { o.ControlPlaneCAFile = "" }, "--control-plane-ca-file is required"},
		{"two tokens", func(o *Options) { o.BootstrapToken, o.BootstrapTokenFile = "a.b", "/t" }, "exclusive"},
		{"lease shorter than renewals", func(o *Options) { o.LeaseDuration = 5 * time.Second }, "--cluster-lease-duration (5s) must be longer"},
		{"certificate too short", func(o *Options) { o.CertificateDuration = time.Minute }, "at least 10m"},
		{"renewal after expiry", func(o *Options) { o.RenewBefore = o.CertificateDuration }, "--certificate-renew-before must be shorter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := validOptions()
			tc.mutate(&o)
			if err := o.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v; want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestRenewAt(t *testing.T) {
	start := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	cert := &x509.Certificate{NotBefore: start, NotAfter: start.Add(10 * time.Hour)}
	c := &credentials{}
	if got := c.renewAt(cert); !got.Equal(start.Add(8 * time.Hour)) {
		t.Fatalf("default renewal at %s; want at 80%% of the life, %s", got, start.Add(8*time.Hour))
	}
	c.renewBefore = time.Hour
	if got := c.renewAt(cert); !got.Equal(start.Add(9 * time.Hour)) {
		t.Fatalf("renewal an hour ahead at %s; want %s", got, start.Add(9*time.Hour))
	}
}

func TestRenewLease(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	lease := &coordinationv1.Lease{}
	renewLease(lease, "agent-pod", 40*time.Second, now)
	if *lease.Spec.HolderIdentity != "agent-pod" || *lease.Spec.LeaseDurationSeconds != 40 || !lease.Spec.RenewTime.Time.Equal(now) || !lease.Spec.AcquireTime.Time.Equal(now) {
		t.Fatalf("first renewal: %+v", lease.Spec)
	}
	renewLease(lease, "agent-pod", 40*time.Second, now.Add(10*time.Second))
	if !lease.Spec.RenewTime.Time.Equal(now.Add(10*time.Second)) || !lease.Spec.AcquireTime.Time.Equal(now) {
		t.Fatalf("second renewal moves the renew time only: %+v", lease.Spec)
	}
}

func TestExplainRejectionSaysWhatToDo(t *testing.T) {
	unauthorized := apierrors.NewUnauthorized("invalid bearer token")
	if err := explainRejection(unauthorized, "bootstrap token"); !strings.Contains(err.Error(), "create a new one with 'kurator token create'") {
		t.Fatalf("an expired token: %v", err)
	}
	if err := explainRejection(unauthorized, "current certificate"); !strings.Contains(err.Error(), "give the agent a new bootstrap token") {
		t.Fatalf("an expired certificate: %v", err)
	}
	forbidden := apierrors.NewForbidden(schema.GroupResource{Group: "certificates.k8s.io", Resource: "certificatesigningrequests"}, "", errors.New("no"))
	if err := explainRejection(forbidden, "bootstrap token"); !strings.Contains(err.Error(), "may not request certificates") {
		t.Fatalf("a token without the bootstrap group: %v", err)
	}
}
