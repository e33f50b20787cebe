/**
 * Loads a native agent into a running JVM: {@code java bench/Attach.java PID LIBRARY OPTIONS}. Used by
 * bench/profile.sh to start and stop async-profiler after the warm-up ({@code jcmd JVMTI.agent_load}
 * splits the options at their '=' signs, the attach API passes them whole).
 */
public class Attach {
  public static void main(String[] args) throws Exception {
    var vm = com.sun.tools.attach.VirtualMachine.attach(args[0]);
    try {
      vm.loadAgentPath(args[1], args[2]);
    } finally {
      vm.detach();
    }
  }
}
