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

package install

import (
	"context"
	"errors"
	"fmt"
	"time"

	"helm.sh/helm/v4/pkg/action"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/kube"
	"helm.sh/helm/v4/pkg/release"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"kurator.dev/kurator/charts"
	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/pki"
	"kurator.dev/kurator/internal/progress"
)

// Result is what Install did.
type Result struct {
	// Manifest is every object of the release as Helm rendered it.
	Manifest string
	// Values are the values the chart was rendered with.
	Values map[string]any
	// Revision of the release (0 on a dry run); 1 is a first install.
	Revision int
	// Server is where the kurator context reaches the control plane.
	Server string
}

// managedNamespaceLabel marks a namespace the installer created, which a
// failed first install and a purge may delete.
const managedNamespaceLabel = "app.kubernetes.io/managed-by"

// Install installs the chart into the host, or upgrades the release in
// place when it exists, then waits for the workloads and adds the kurator
// context. A failed first install is rolled back entirely.
func Install(ctx context.Context, o Options) (Result, error) {
	o = o.withDefaults()
	p := progress.New(o.Progress)
	var res Result
	host, server, err := hostClient(o)
	if err != nil {
		return res, err
	}

	done := p.Step("Checking the host cluster at %s", server)
	err = preflight(ctx, host, server, o.Namespace)
	done(err)
	if err != nil {
		return res, err
	}
	dir, cleanup, err := tempDir()
	if err != nil {
		return res, err
	}
	defer cleanup()
	done = p.Step("Preparing certificates")
	bundle, reused, err := ensurePKI(ctx, host, o, dir)
	if err == nil {
		res.Values, err = releaseValues(o, bundle)
	}
	done(err)
	if err != nil {
		return res, err
	}
	if reused {
		p.Info("reusing Secret %s/kurator-pki, so existing clients stay valid", o.Namespace)
	}
	chart, err := charts.Kurator()
	if err != nil {
		return res, err
	}
	// Rendered before anything is created, so that values the chart refuses
	// (an even replica count) leave nothing behind.
	res.Manifest, err = RenderChart(chart, ReleaseName, o.Namespace, res.Values)
	if err != nil || o.DryRun {
		return res, err
	}

	cfg, err := o.release().helmConfig()
	if err != nil {
		return res, err
	}
	previous, err := lastRelease(cfg, ReleaseName)
	if err != nil {
		return res, err
	}
	first := previous == nil
	if !first {
		if err := checkReplicasKept(ctx, host, o); err != nil {
			return res, err
		}
	}
	createdNamespace := false
	if first {
		createdNamespace, err = ensureNamespace(ctx, host, o.Namespace)
		if err != nil {
			return res, err
		}
	}
	// A first install that does not come up leaves nothing behind.
	undo := func(cause error) error {
		if !first {
			return cause
		}
		undoDone := p.Step("Removing what this install created")
		err := removeRelease(context.WithoutCancel(ctx), cfg, host, o.Namespace, true, createdNamespace)
		undoDone(err)
		return errors.Join(cause, err)
	}

	done = p.Step("Applying chart %s %s to namespace %s", chart.Metadata.Name, chart.Metadata.Version, o.Namespace)
	res.Manifest, res.Revision, err = apply(ctx, cfg, chart, o.release(), o.Wait, res.Values, first)
	done(err)
	if err != nil {
		return res, undo(err)
	}
	p.Info("release %s revision %d", ReleaseName, res.Revision)

	deadline := time.Now().Add(o.Wait)
	done = p.Step("Waiting for the control plane (StatefulSet %s)", "kurator")
	err = waitForControlPlane(ctx, host, o.Namespace, deadline)
	done(err)
	if err == nil {
		done = p.Step("Waiting for the controller-manager (Deployment %s)", "kurator-controller-manager")
		err = waitForControllerManager(ctx, host, o.Namespace, deadline)
		done(err)
	}
	if err != nil {
		return res, undo(err)
	}

	if addr := waitForLoadBalancer(ctx, host, o, deadline); addr != "" {
		if bundle, err = coverAddress(ctx, host, cfg, chart, o, dir, addr, p, &res); err != nil {
			return res, err
		}
	}

	done = p.Step("Adding context %q", ContextName)
	res.Server, err = addContext(ctx, host, o, bundle, p)
	done(err)
	return res, err
}

// checkReplicasKept refuses to change the control plane's replica count on
// an upgrade: members with data ignore etcd's initial cluster, so a new
// count would leave replicas outside the etcd cluster (or a cluster waiting
// for members that are gone).
func checkReplicasKept(ctx context.Context, host kubernetes.Interface, o Options) error {
	if o.Replicas == 0 {
		return nil
	}
	sts, err := host.AppsV1().StatefulSets(o.Namespace).Get(ctx, components.ControlPlaneName, metav1.GetOptions{})
	if err != nil || sts.Spec.Replicas == nil {
		return nil // nothing to compare with: the release is broken, and the upgrade will say so
	}
	if int(*sts.Spec.Replicas) != o.Replicas {
		return fmt.Errorf("the control plane runs %d replicas, one etcd cluster; changing it to %d on an upgrade is not supported (uninstall with --purge and install again, or keep --replicas=%d)",
			*sts.Spec.Replicas, o.Replicas, *sts.Spec.Replicas)
	}
	return nil
}

// waitForLoadBalancer gives a LoadBalancer Service until the install's
// deadline (a minute at least) to get its address; "" for other types or
// when none came.
func waitForLoadBalancer(ctx context.Context, host kubernetes.Interface, o Options, deadline time.Time) string {
	if o.ServiceType != string(corev1.ServiceTypeLoadBalancer) {
		return loadBalancerAddress(ctx, host, o.Namespace)
	}
	deadline = later(deadline, time.Now().Add(time.Minute))
	for {
		if addr := loadBalancerAddress(ctx, host, o.Namespace); addr != "" || time.Now().After(deadline) {
			return addr
		}
		select {
		case <-ctx.Done():
			return ""
		case <-time.After(time.Second):
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// coverAddress makes the serving certificate valid for the load balancer's
// address, known only once the Service has one: when it lacks it, the
// certificate is reissued from the same CA and the release upgraded. The
// API servers reload their serving certificate from the Secret's files as
// the kubelet refreshes them, without a restart.
func coverAddress(ctx context.Context, host kubernetes.Interface, cfg *action.Configuration, chart *chartv2.Chart, o Options,
	dir, addr string, p *progress.Printer, res *Result) (pki.Bundle, error) {
	bundle, reused, err := ensurePKI(ctx, host, o, dir, addr)
	if err != nil || reused {
		return bundle, err
	}
	done := p.Step("Adding the load balancer's address %s to the serving certificate", addr)
	res.Values, err = releaseValues(o, bundle)
	if err == nil {
		res.Manifest, res.Revision, err = apply(ctx, cfg, chart, o.release(), o.Wait, res.Values, false)
	}
	done(err)
	return bundle, err
}

// apply installs or upgrades the release, without Helm's own wait: the
// installer waits itself, to say which pods are not ready and why.
func apply(ctx context.Context, cfg *action.Configuration, chart *chartv2.Chart, target Release, timeout time.Duration, vals map[string]any, first bool) (string, int, error) {
	var r release.Releaser
	var err error
	if first {
		install := action.NewInstall(cfg)
		install.ReleaseName, install.Namespace = target.Name, target.Namespace
		install.WaitStrategy, install.Timeout = kube.HookOnlyStrategy, timeout
		install.DryRunStrategy = action.DryRunNone
		r, err = install.RunWithContext(ctx, chart, vals)
	} else {
		upgrade := action.NewUpgrade(cfg)
		upgrade.Namespace = target.Namespace
		upgrade.WaitStrategy, upgrade.Timeout = kube.HookOnlyStrategy, timeout
		upgrade.DryRunStrategy = action.DryRunNone
		r, err = upgrade.RunWithContext(ctx, target.Name, chart, vals)
	}
	if err != nil {
		return "", 0, fmt.Errorf("apply release %s: %w", target.Name, err)
	}
	rel, err := asRelease(r)
	if err != nil {
		return "", 0, err
	}
	return rel.Manifest, rel.Version, nil
}

// ensureNamespace creates the namespace unless it exists, and says whether
// it did.
func ensureNamespace(ctx context.Context, host kubernetes.Interface, namespace string) (bool, error) {
	exists, err := namespaceExists(ctx, host, namespace)
	if err != nil || exists {
		return false, err
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace, Labels: map[string]string{managedNamespaceLabel: "kurator"}}}
	if _, err := host.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		return false, fmt.Errorf("create namespace %s: %w", namespace, err)
	}
	return true, nil
}
