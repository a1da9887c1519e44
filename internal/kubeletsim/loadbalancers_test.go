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

package kubeletsim

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/utils/ptr"
)

func TestLoadBalancersAssignAddressesFromTheClusterPool(t *testing.T) {
	service := func(name string, typ corev1.ServiceType, class *string) *corev1.Service {
		return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}, Spec: corev1.ServiceSpec{Type: typ, LoadBalancerClass: class}}
	}
	client := fake.NewClientset(service("a", corev1.ServiceTypeLoadBalancer, nil), service("b", corev1.ServiceTypeLoadBalancer, nil),
		service("internal", corev1.ServiceTypeClusterIP, nil), service("other", corev1.ServiceTypeLoadBalancer, ptr.To("example.com/lb")))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	lb := newLoadBalancers(client, "cluster-hangzhou")
	go func() { _ = lb.run(ctx) }()
	got := map[string]string{}
	if err := wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		for _, name := range []string{"a", "b", "internal", "other"} {
			s, err := client.CoreV1().Services("ns").Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			got[name] = ""
			if in := s.Status.LoadBalancer.Ingress; len(in) > 0 {
				got[name] = in[0].IP
			}
		}
		return got["a"] != "" && got["b"] != "", nil
	}); err != nil {
		t.Fatalf("addresses %v: %v", got, err)
	}
	pool := addressPool("cluster-hangzhou")
	if !strings.HasPrefix(got["a"], pool) || !strings.HasPrefix(got["b"], pool) || got["a"] == got["b"] || got["internal"] != "" || got["other"] != "" {
		t.Fatalf("addresses %v; want two distinct ones in %s0/24 and none for the ClusterIP Service or another class's", got, pool)
	}
	if addressPool("cluster-shanghai") == pool || addressPool("cluster-frankfurt") == pool || addressPool("cluster-shanghai") == addressPool("cluster-frankfurt") {
		t.Fatalf("the default fleet's members share a pool")
	}
}
