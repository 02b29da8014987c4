package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

var strictDecoder runtime.Decoder

func init() {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		panic(err)
	}
	if err := monitoringv1.AddToScheme(scheme); err != nil {
		panic(err)
	}
	strictDecoder = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme, json.SerializerOptions{Yaml: true, Strict: true})
}

// decodeAll splits a YAML stream and decodes every document strictly into its Kubernetes API type:
// unknown or duplicate fields, wrong types and unknown kinds are problems.
func decodeAll(f *findings, file string, stream []byte) []runtime.Object {
	reader := utilyaml.NewYAMLReader(bufioReader(stream))
	var objects []runtime.Object
	for index := 0; ; index++ {
		document, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			f.add(file, "document %d: %v", index, err)
			break
		}
		if len(bytes.TrimSpace(stripComments(document))) == 0 {
			continue
		}
		object, gvk, err := strictDecoder.Decode(document, nil, nil)
		if err != nil {
			what := fmt.Sprintf("document %d", index)
			if gvk != nil {
				what = fmt.Sprintf("document %d (%s)", index, gvk.Kind)
			}
			f.add(file, "%s: %v", what, err)
			continue
		}
		objects = append(objects, object)
	}
	return objects
}

func checkManifestFile(f *findings, file string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		f.add(file, "%v", err)
		return 0
	}
	objects := decodeAll(f, file, data)
	for _, object := range objects {
		for _, container := range containersOf(object) {
			if err := checkImage(container.Image); err != nil {
				f.add(file, "%s container %s: %v", nameOf(object), container.Name, err)
			}
		}
	}
	return len(objects)
}

// checkKustomize renders the directory with kustomize (as `kubectl apply -k` does), decodes the
// output strictly and applies Ratsweg's rules for its own workloads.
func checkKustomize(f *findings, dir string) int {
	kustomizer := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resources, err := kustomizer.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		f.add(dir, "kustomize: %v", err)
		return 0
	}
	rendered, err := resources.AsYaml()
	if err != nil {
		f.add(dir, "kustomize: %v", err)
		return 0
	}
	objects := decodeAll(f, dir, rendered)
	checkWorkloads(f, dir, objects)
	return len(objects)
}

func nameOf(object runtime.Object) string {
	kind := strings.TrimPrefix(fmt.Sprintf("%T", object), "*")
	if accessor, ok := object.(interface{ GetName() string }); ok {
		return fmt.Sprintf("%s %s", kind, accessor.GetName())
	}
	return kind
}

func podSpecOf(object runtime.Object) (*corev1.PodTemplateSpec, bool) {
	switch o := object.(type) {
	case *appsv1.Deployment:
		return &o.Spec.Template, true
	case *appsv1.StatefulSet:
		return &o.Spec.Template, true
	case *appsv1.DaemonSet:
		return &o.Spec.Template, true
	case *batchv1.Job:
		return &o.Spec.Template, true
	}
	return nil, false
}

func containersOf(object runtime.Object) []corev1.Container {
	if pod, ok := object.(*corev1.Pod); ok {
		return append(append([]corev1.Container{}, pod.Spec.InitContainers...), pod.Spec.Containers...)
	}
	template, ok := podSpecOf(object)
	if !ok {
		return nil
	}
	return append(append([]corev1.Container{}, template.Spec.InitContainers...), template.Spec.Containers...)
}

// checkWorkloads: pinned images, resources, a restricted security context, probes on long-running
// workloads whose ports exist, and Services, PodDisruptionBudgets, Ingresses and ServiceMonitors
// that select something that exists.
func checkWorkloads(f *findings, file string, objects []runtime.Object) {
	type workload struct {
		name   string
		labels labels.Set
		ports  map[string]bool
	}
	var workloads []workload
	configMaps := map[string]bool{}
	services := map[string]*corev1.Service{}
	for _, object := range objects {
		switch o := object.(type) {
		case *corev1.ConfigMap:
			configMaps[o.Name] = true
		case *corev1.Service:
			services[o.Name] = o
		}
	}
	for _, object := range objects {
		template, ok := podSpecOf(object)
		if !ok {
			continue
		}
		name := nameOf(object)
		_, isJob := object.(*batchv1.Job)
		podSecurity := template.Spec.SecurityContext
		ports := map[string]bool{}
		for _, container := range template.Spec.Containers {
			where := fmt.Sprintf("%s container %s", name, container.Name)
			if err := checkImage(container.Image); err != nil {
				f.add(file, "%s: %v", where, err)
			}
			if container.Resources.Requests.Cpu().IsZero() || container.Resources.Requests.Memory().IsZero() {
				f.add(file, "%s: set resources.requests for cpu and memory", where)
			}
			if container.Resources.Limits.Memory().IsZero() {
				f.add(file, "%s: set resources.limits.memory", where)
			}
			security := container.SecurityContext
			if security == nil || security.AllowPrivilegeEscalation == nil || *security.AllowPrivilegeEscalation {
				f.add(file, "%s: set securityContext.allowPrivilegeEscalation: false", where)
			}
			if security == nil || security.Capabilities == nil || !dropsAll(security.Capabilities.Drop) {
				f.add(file, "%s: drop all capabilities", where)
			}
			nonRoot := (podSecurity != nil && podSecurity.RunAsNonRoot != nil && *podSecurity.RunAsNonRoot) ||
				(security != nil && security.RunAsNonRoot != nil && *security.RunAsNonRoot)
			if !nonRoot {
				f.add(file, "%s: set runAsNonRoot: true", where)
			}
			for _, port := range container.Ports {
				if port.Name != "" {
					ports[port.Name] = true
				}
				ports[fmt.Sprint(port.ContainerPort)] = true
			}
			if !isJob {
				if container.LivenessProbe == nil {
					f.add(file, "%s: no livenessProbe", where)
				}
				if container.ReadinessProbe == nil {
					f.add(file, "%s: no readinessProbe", where)
				}
			}
			for kind, probe := range map[string]*corev1.Probe{"startupProbe": container.StartupProbe, "livenessProbe": container.LivenessProbe, "readinessProbe": container.ReadinessProbe} {
				if probe != nil && probe.HTTPGet != nil && !ports[probe.HTTPGet.Port.String()] {
					f.add(file, "%s: %s uses port %s, which the container does not declare", where, kind, probe.HTTPGet.Port.String())
				}
			}
			for _, source := range container.EnvFrom {
				if source.ConfigMapRef != nil && !configMaps[source.ConfigMapRef.Name] {
					f.add(file, "%s: envFrom ConfigMap %s is not part of the manifests", where, source.ConfigMapRef.Name)
				}
			}
		}
		if !isJob {
			workloads = append(workloads, workload{name: name, labels: template.Labels, ports: ports})
		}
	}
	selects := func(selector map[string]string) *workload {
		if len(selector) == 0 {
			return nil
		}
		for i := range workloads {
			if labels.SelectorFromSet(selector).Matches(workloads[i].labels) {
				return &workloads[i]
			}
		}
		return nil
	}
	for _, object := range objects {
		switch o := object.(type) {
		case *corev1.Service:
			target := selects(o.Spec.Selector)
			if target == nil {
				f.add(file, "Service %s selects no workload", o.Name)
				continue
			}
			for _, port := range o.Spec.Ports {
				if !target.ports[port.TargetPort.String()] {
					f.add(file, "Service %s: targetPort %s is no port of %s", o.Name, port.TargetPort.String(), target.name)
				}
			}
		case *policyv1.PodDisruptionBudget:
			if o.Spec.Selector == nil || selects(o.Spec.Selector.MatchLabels) == nil {
				f.add(file, "PodDisruptionBudget %s selects no workload", o.Name)
			}
		case *networkingv1.Ingress:
			for _, rule := range o.Spec.Rules {
				if rule.HTTP == nil {
					continue
				}
				for _, path := range rule.HTTP.Paths {
					backend := path.Backend.Service
					if backend == nil {
						continue
					}
					service, ok := services[backend.Name]
					if !ok {
						f.add(file, "Ingress %s: backend Service %s does not exist", o.Name, backend.Name)
						continue
					}
					if !servicePortExists(service, backend.Port) {
						f.add(file, "Ingress %s: Service %s has no port %s%d", o.Name, backend.Name, backend.Port.Name, backend.Port.Number)
					}
				}
			}
		case *monitoringv1.ServiceMonitor:
			var matched *corev1.Service
			for _, service := range services {
				if labels.SelectorFromSet(o.Spec.Selector.MatchLabels).Matches(labels.Set(service.Labels)) {
					matched = service
				}
			}
			if matched == nil {
				f.add(file, "ServiceMonitor %s selects no Service", o.Name)
				continue
			}
			for _, endpoint := range o.Spec.Endpoints {
				if !servicePortExists(matched, networkingv1.ServiceBackendPort{Name: endpoint.Port}) {
					f.add(file, "ServiceMonitor %s: Service %s has no port %s", o.Name, matched.Name, endpoint.Port)
				}
			}
		}
	}
}

func servicePortExists(service *corev1.Service, port networkingv1.ServiceBackendPort) bool {
	for _, p := range service.Spec.Ports {
		if (port.Name != "" && p.Name == port.Name) || (port.Name == "" && p.Port == port.Number) {
			return true
		}
	}
	return false
}

func dropsAll(capabilities []corev1.Capability) bool {
	for _, capability := range capabilities {
		if capability == "ALL" {
			return true
		}
	}
	return false
}

func stripComments(document []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.Split(document, []byte("\n")) {
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 && trimmed[0] != '#' {
			out.Write(line)
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

func bufioReader(data []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(data)) }
