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

package metricsapi

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	apiregistrationv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
	aggregatorfake "k8s.io/kube-aggregator/pkg/client/clientset_generated/clientset/fake"
	"k8s.io/utils/ptr"
)

func TestRegisterIsIdempotentAndUpdatesTheCABundle(t *testing.T) {
	g := NewWithT(t)
	client := fake.NewClientset()
	agg := aggregatorfake.NewClientset()
	r := Registration{ServiceNamespace: "kube-system", ServiceName: "metrics-server", Host: "127.0.0.1", Port: 40123, CABundle: []byte("ca-1")}
	g.Expect(Register(t.Context(), client, agg, r)).To(Succeed())
	r.CABundle = []byte("ca-2")
	g.Expect(Register(t.Context(), client, agg, r)).To(Succeed())

	svc, err := client.CoreV1().Services("kube-system").Get(t.Context(), "metrics-server", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(svc.Spec.Type).To(Equal(corev1.ServiceTypeExternalName))
	g.Expect(svc.Spec.ExternalName).To(Equal("127.0.0.1"))
	g.Expect(svc.Spec.Ports).To(ConsistOf(HaveField("Port", int32(40123))))

	as, err := agg.ApiregistrationV1().APIServices().Get(t.Context(), "v1beta1.metrics.k8s.io", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(as.Spec.Group).To(Equal("metrics.k8s.io"))
	g.Expect(as.Spec.Version).To(Equal("v1beta1"))
	g.Expect(as.Spec.Service).To(Equal(&apiregistrationv1.ServiceReference{Namespace: "kube-system", Name: "metrics-server", Port: ptr.To[int32](40123)}))
	g.Expect(as.Spec.CABundle).To(Equal([]byte("ca-2")))
	g.Expect(as.Spec.InsecureSkipTLSVerify).To(BeFalse())

	role, err := client.RbacV1().ClusterRoles().Get(t.Context(), ReaderClusterRole, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	for _, to := range []string{"view", "edit", "admin"} {
		g.Expect(role.Labels).To(HaveKeyWithValue("rbac.authorization.k8s.io/aggregate-to-"+to, "true"))
	}
	g.Expect(role.Rules).To(Equal([]rbacv1.PolicyRule{{APIGroups: []string{"metrics.k8s.io"}, Resources: []string{"pods", "nodes"}, Verbs: []string{"get", "list"}}}))
}

func TestWaitAvailable(t *testing.T) {
	g := NewWithT(t)
	notYet := &apiregistrationv1.APIService{
		ObjectMeta: metav1.ObjectMeta{Name: APIServiceName},
		Status: apiregistrationv1.APIServiceStatus{Conditions: []apiregistrationv1.APIServiceCondition{{
			Type: apiregistrationv1.Available, Status: apiregistrationv1.ConditionFalse, Reason: "FailedDiscoveryCheck", Message: "no route",
		}}},
	}
	err := WaitAvailable(t.Context(), aggregatorfake.NewClientset(notYet), 500*time.Millisecond)
	g.Expect(err).To(MatchError(ContainSubstring("FailedDiscoveryCheck: no route")))

	available := notYet.DeepCopy()
	available.Status.Conditions[0].Status = apiregistrationv1.ConditionTrue
	g.Expect(WaitAvailable(t.Context(), aggregatorfake.NewClientset(available), 5*time.Second)).To(Succeed())
}
