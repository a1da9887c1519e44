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

package agentauth

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	bootstrapapi "k8s.io/cluster-bootstrap/token/api"
	bootstraputil "k8s.io/cluster-bootstrap/token/util"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"kurator.dev/kurator/internal/scheme"
)

func newClient(objs ...client.Object) client.Client {
	return fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).Build()
}

func TestCreateBootstrapToken(t *testing.T) {
	ctx := context.Background()
	c := newClient()
	before := time.Now()
	token, err := CreateBootstrapToken(ctx, c, "c1", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	m := bootstraputil.BootstrapTokenRegexp.FindStringSubmatch(token)
	if m == nil {
		t.Fatalf("token %q is not a bootstrap token", token)
	}
	s := &corev1.Secret{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: metav1.NamespaceSystem, Name: "bootstrap-token-" + m[1]}, s); err != nil {
		t.Fatal(err)
	}
	if s.Type != bootstrapapi.SecretTypeBootstrapToken || s.Labels[ClusterLabel] != "c1" {
		t.Errorf("secret type %q, labels %v", s.Type, s.Labels)
	}
	want := map[string]string{
		"token-id": m[1], "token-secret": m[2], "usage-bootstrap-authentication": "true",
		"auth-extra-groups": "system:bootstrappers:kurator,system:bootstrappers:kurator:cluster:c1",
	}
	for k, v := range want {
		if got := string(s.Data[k]); got != v {
			t.Errorf("%s = %q; want %q", k, got, v)
		}
	}
	if _, ok := s.Data["usage-bootstrap-signing"]; ok {
		t.Error("the token may sign the cluster-info ConfigMap; it must only authenticate")
	}
	expiration, err := time.Parse(time.RFC3339, string(s.Data["expiration"]))
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi := before.Add(time.Hour-time.Second), time.Now().Add(time.Hour); expiration.Before(lo) || expiration.After(hi) {
		t.Errorf("expiration %s; want within [%s, %s]", expiration, lo, hi)
	}
	if len(s.Data["description"]) == 0 {
		t.Error("no description")
	}

	for _, bad := range []struct {
		cluster string
		ttl     time.Duration
	}{{"c1", 0}, {"c1", -time.Minute}, {"Cluster.One", time.Hour}, {"", time.Hour}} {
		if _, err := CreateBootstrapToken(ctx, c, bad.cluster, bad.ttl); err == nil {
			t.Errorf("CreateBootstrapToken(%q, %s) succeeded; want an error", bad.cluster, bad.ttl)
		}
	}
}

func TestDeleteBootstrapTokens(t *testing.T) {
	ctx := context.Background()
	unlabelled := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: metav1.NamespaceSystem, Name: "bootstrap-token-zzzzzz"},
		Type:       bootstrapapi.SecretTypeBootstrapToken,
		Data:       map[string][]byte{"auth-extra-groups": []byte("system:bootstrappers:kurator, system:bootstrappers:kurator:cluster:c1")},
	}
	notAToken := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: metav1.NamespaceSystem, Name: "other",
		Labels: map[string]string{ClusterLabel: "c1"}}}
	c := newClient(unlabelled, notAToken)
	for _, cluster := range []string{"c1", "c1", "c2"} {
		if _, err := CreateBootstrapToken(ctx, c, cluster, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if err := DeleteBootstrapTokens(ctx, c, "c1"); err != nil {
		t.Fatal(err)
	}
	left := &corev1.SecretList{}
	if err := c.List(ctx, left, client.InNamespace(metav1.NamespaceSystem)); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range left.Items {
		names = append(names, s.Name)
		if s.Type == bootstrapapi.SecretTypeBootstrapToken && s.Labels[ClusterLabel] != "c2" {
			t.Errorf("token %s of c1 is left", s.Name)
		}
	}
	if len(left.Items) != 2 {
		t.Errorf("left %v; want c2's token and Secret other", names)
	}
}
