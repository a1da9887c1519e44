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
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/charts"
	"kurator.dev/kurator/internal/agentauth"
	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/install"
	"kurator.dev/kurator/internal/progress"
)

// AgentNamespace is where the agent is installed in a pull member.
const AgentNamespace = "kurator-system"

// DryRunToken stands for the bootstrap token in a dry run, which creates none.
const DryRunToken = "<generated>"

// PullRequest describes a cluster that joins in pull mode: its agent is
// installed into it and connects out to the control plane, which never
// receives a credential of the member.
type PullRequest struct {
	Name   string
	Labels map[string]string
	// ControlPlane is how this command reaches the control plane; the
	// agent gets its address (unless ControlPlaneAddress) and its CA.
	ControlPlane *rest.Config
	// ControlPlaneAddress is the control plane's address as the member
	// reaches it, https://host:port, when it differs.
	ControlPlaneAddress string
	// MemberKubeconfig and MemberContext reach the member, from this
	// machine only.
	MemberKubeconfig, MemberContext string
	// Namespace holds the Fleet named by Fleet, if any.
	Namespace, Fleet string
	// TokenTTL bounds the bootstrap token's use (one hour when zero).
	TokenTTL time.Duration
	// Image is the agent's image repository[:tag] (install's rule when empty).
	Image string
	// Wait bounds the wait for the Cluster to be Ready; zero does not wait.
	Wait time.Duration
	// DryRun renders the agent's objects without touching either cluster.
	DryRun   bool
	Progress io.Writer
}

// PullResult is what JoinPull did.
type PullResult struct {
	// Manifest is every object of the agent's release.
	Manifest string
	// Revision of the release (0 on a dry run); 1 is a first install.
	Revision int
}

func (r PullRequest) memberRelease() install.Release {
	return install.Release{Name: components.AgentReleaseName, Namespace: AgentNamespace, Kubeconfig: r.MemberKubeconfig, Context: r.MemberContext}
}

// JoinPull declares the cluster to the control plane in pull mode with a
// bootstrap token, installs (or upgrades) the agent's chart into the
// member, and waits until the agent has made the cluster Ready.
func JoinPull(ctx context.Context, hub client.Client, r PullRequest) (PullResult, error) {
	var res PullResult
	p := progress.New(r.Progress)
	if err := validateNameAndLabels(r.Name, r.Labels); err != nil {
		return res, err
	}
	address, ca, err := agentEndpoint(r)
	if err != nil {
		return res, err
	}
	chart, err := charts.Agent()
	if err != nil {
		return res, err
	}
	values := agentValues(r, address, ca, DryRunToken)
	// Rendered first, so that values the chart refuses leave nothing behind.
	res.Manifest, err = install.RenderChart(chart, components.AgentReleaseName, AgentNamespace, values)
	if err != nil || r.DryRun {
		return res, err
	}

	member, err := memberClient(ctx, r.memberRelease())
	if err != nil {
		return res, err
	}
	done := p.Step("Declaring cluster %s in pull mode", r.Name)
	created, err := ensurePullCluster(ctx, hub, r)
	if err == nil && r.Fleet != "" {
		err = addToFleet(ctx, hub, r.Namespace, r.Fleet, r.Name, fleetv1alpha1.FleetClusterKindCluster)
	}
	var token string
	if err == nil {
		ttl := r.TokenTTL
		if ttl == 0 {
			ttl = time.Hour
		}
		token, err = agentauth.CreateBootstrapToken(ctx, hub, r.Name, ttl)
	}
	done(err)
	if err != nil {
		return res, err
	}

	done = p.Step("Installing the agent into the member (release %s in %s)", components.AgentReleaseName, AgentNamespace)
	err = ensureMemberNamespace(ctx, member)
	if err == nil {
		res.Manifest, res.Revision, err = install.ApplyChart(ctx, r.memberRelease(), chart, agentValues(r, address, ca, token), 2*time.Minute)
	}
	done(err)
	if err != nil {
		if created {
			// Nothing runs in the member for the Cluster just declared.
			err = errors.Join(err, forgetPullCluster(context.WithoutCancel(ctx), hub, r.Name))
		}
		return res, err
	}
	if r.Wait <= 0 {
		return res, nil
	}
	done = p.Step("Waiting for the agent to make cluster %s Ready", r.Name)
	err = waitPullReady(ctx, hub, member, r.Name, r.Wait)
	done(err)
	return res, err
}

// agentEndpoint is the control plane's address and CA bundle for the agent.
func agentEndpoint(r PullRequest) (string, []byte, error) {
	if r.ControlPlane == nil {
		return "", nil, errors.New("no control plane to join")
	}
	address := r.ControlPlaneAddress
	if address == "" {
		address = r.ControlPlane.Host
	}
	u, err := url.Parse(address)
	if err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return "", nil, fmt.Errorf("the control plane's address %q is not https://host:port; pass --control-plane-address with the address the member reaches it at", address)
	}
	ca := r.ControlPlane.CAData
	if len(ca) == 0 && r.ControlPlane.CAFile != "" {
		if ca, err = os.ReadFile(r.ControlPlane.CAFile); err != nil {
			return "", nil, fmt.Errorf("read the control plane's CA: %w", err)
		}
	}
	if len(ca) == 0 {
		return "", nil, errors.New("the control plane's kubeconfig has no certificate authority: the agent only talks to a control plane it can verify")
	}
	return address, ca, nil
}

func agentValues(r PullRequest, address string, ca []byte, token string) map[string]any {
	return map[string]any{
		"clusterName":    r.Name,
		"controlPlane":   map[string]any{"address": address, "caBundle": string(ca)},
		"bootstrapToken": token,
		"image":          install.ImageValues(r.Image),
	}
}

// memberClient reaches the member and checks that it answers.
func memberClient(ctx context.Context, rel install.Release) (kubernetes.Interface, error) {
	cfg, err := rel.RESTGetter().ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("read the member's kubeconfig: %w", err)
	}
	if _, err := Probe(ctx, cfg, 0); err != nil {
		return nil, err
	}
	member, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("client of the member at %s: %w", cfg.Host, err)
	}
	return member, nil
}

func ensureMemberNamespace(ctx context.Context, member kubernetes.Interface) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: AgentNamespace}}
	if _, err := member.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s in the member: %w", AgentNamespace, err)
	}
	return nil
}

// ensurePullCluster creates the Cluster in pull mode, or gives an existing
// pull Cluster the request's labels; it refuses a push Cluster, whose
// member the control plane reaches with its own kubeconfig. created says
// the Cluster is new.
func ensurePullCluster(ctx context.Context, hub client.Client, r PullRequest) (created bool, err error) {
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cluster := &karmadaclusterv1alpha1.Cluster{}
		err := hub.Get(ctx, client.ObjectKey{Name: r.Name}, cluster)
		if apierrors.IsNotFound(err) {
			cluster = &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: r.Name, Labels: r.Labels},
				Spec: karmadaclusterv1alpha1.ClusterSpec{SyncMode: karmadaclusterv1alpha1.Pull}}
			if err := hub.Create(ctx, cluster); err != nil {
				return fmt.Errorf("create cluster %s: %w", r.Name, err)
			}
			created = true
			return nil
		}
		if err != nil {
			return fmt.Errorf("read cluster %s: %w", r.Name, err)
		}
		if cluster.Spec.SyncMode != karmadaclusterv1alpha1.Pull {
			return fmt.Errorf("cluster %s is already joined in push mode; 'kurator unjoin %s' first to join it in pull mode", r.Name, r.Name)
		}
		if len(r.Labels) == 0 {
			return nil
		}
		if cluster.Labels == nil {
			cluster.Labels = map[string]string{}
		}
		for k, v := range r.Labels {
			cluster.Labels[k] = v
		}
		return hub.Update(ctx, cluster)
	})
	return created, err
}

// IsPullCluster reports whether the control plane has a Cluster of that
// name in pull mode.
func IsPullCluster(ctx context.Context, hub client.Client, name string) (bool, error) {
	cluster := &karmadaclusterv1alpha1.Cluster{}
	if err := hub.Get(ctx, client.ObjectKey{Name: name}, cluster); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	return cluster.Spec.SyncMode == karmadaclusterv1alpha1.Pull, nil
}

// forgetPullCluster deletes a pull cluster's bootstrap tokens and its
// Cluster, whose Works, execution namespace and agent RBAC go with it.
func forgetPullCluster(ctx context.Context, hub client.Client, name string) error {
	if err := agentauth.DeleteBootstrapTokens(ctx, hub, name); err != nil {
		return err
	}
	cluster := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if err := hub.Delete(ctx, cluster); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("delete cluster %s: %w", name, err)
	}
	return nil
}

// waitPullReady polls the Cluster until it is Ready; at the deadline it
// says why not, with the agent's state in the member.
func waitPullReady(ctx context.Context, hub client.Client, member kubernetes.Interface, name string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		cluster := &karmadaclusterv1alpha1.Cluster{}
		err := hub.Get(ctx, client.ObjectKey{Name: name}, cluster)
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("read cluster %s: %w", name, err)
		}
		ready := apimeta.FindStatusCondition(cluster.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)
		if ready != nil && ready.Status == metav1.ConditionTrue {
			return nil
		}
		if time.Now().After(deadline) {
			state := "no Ready condition yet"
			if ready != nil {
				state = fmt.Sprintf("Ready=%s (%s: %s)", ready.Status, ready.Reason, ready.Message)
			}
			return fmt.Errorf("cluster %s is not Ready after %s (%s); the agent in the member:\n%s",
				name, wait, state, describeAgent(context.WithoutCancel(ctx), member))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
