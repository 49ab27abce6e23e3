// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A whole field session through the JNI binding, against a RUNNING gateway (`liaison serve`):
// the gateway starts from a config file, an officer creates an enrolment code over REST, the
// phone enrols, receives a form and a notice by sync, registers a member and fills and
// finalises the form while offline (nothing pending reaches the gateway until it syncs), syncs,
// and reads its inbox. Run by ctest (mobile-core/jni/CMakeLists.txt) with this machine's JVM:
//
//   java -Djava.library.path=<dir of liaison_mobile_jni> -cp <classes> OfflineSessionTest \
//        <liaison binary> <seed tool> <work dir>
//
// No JUnit on the machine: plain checks that throw, exit code 0 on success. The records are
// written with a few lines of protobuf encoding here (no protobuf-java either).
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.liaison.mobile.Liaison;
import org.liaison.mobile.LiaisonException;

public final class OfflineSessionTest {
  private static final String TOKEN = "bootstrap-admin-token-for-the-jni-session-test-0001";

  // ---- minimal protobuf ----
  static final class Msg {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    Msg num(int field, long v) {
      varint(((long) field << 3));
      varint(v);
      return this;
    }

    Msg dbl(int field, double v) {
      varint(((long) field << 3) | 1);
      long bits = Double.doubleToLongBits(v);
      for (int i = 0; i < 8; ++i) out.write((int) (bits >>> (8 * i)) & 0xFF);
      return this;
    }

    Msg bytes(int field, byte[] b) {
      varint(((long) field << 3) | 2);
      varint(b.length);
      out.write(b, 0, b.length);
      return this;
    }

    Msg str(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Msg msg(int field, Msg m) {
      return bytes(field, m.build());
    }

    byte[] build() {
      return out.toByteArray();
    }
  }

  // Top-level fields of a message: (field number, varint value or length-delimited bytes).
  static final class Field {
    final int number;
    final long value;
    final byte[] bytes;

    Field(int number, long value, byte[] bytes) {
      this.number = number;
      this.value = value;
      this.bytes = bytes;
    }
  }

  static List<Field> parse(byte[] b) {
    List<Field> out = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < b.length) {
      long key = readVarint(b, pos);
      int type = (int) (key & 7);
      int number = (int) (key >>> 3);
      if (type == 0) {
        out.add(new Field(number, readVarint(b, pos), null));
      } else if (type == 2) {
        int len = (int) readVarint(b, pos);
        byte[] v = new byte[len];
        System.arraycopy(b, pos[0], v, 0, len);
        pos[0] += len;
        out.add(new Field(number, 0, v));
      } else if (type == 1) {
        pos[0] += 8;
      } else if (type == 5) {
        pos[0] += 4;
      } else {
        throw new IllegalStateException("unexpected wire type " + type);
      }
    }
    return out;
  }

  static long readVarint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      int c = b[pos[0]++] & 0xFF;
      v |= (long) (c & 0x7F) << shift;
      if ((c & 0x80) == 0) return v;
    }
  }

  static int count(byte[] b, int field) {
    int n = 0;
    for (Field f : parse(b)) n += f.number == field ? 1 : 0;
    return n;
  }

  static long varintField(byte[] b, int field) {
    for (Field f : parse(b)) {
      if (f.number == field && f.bytes == null) return f.value;
    }
    return 0;
  }

  static void check(boolean ok, String what) {
    if (!ok) throw new AssertionError(what);
  }

  // ---- the gateway ----
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static HttpResponse<String> http(String method, String url, String body, boolean auth)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    if (auth) b.header("Authorization", "Bearer " + TOKEN);
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) {
      for (File c : children) deleteTree(c);
    }
    f.delete();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: OfflineSessionTest <liaison binary> <seed tool> <work dir>");
      System.exit(2);
    }
    final Path work = Files.createTempDirectory(Path.of(args[2]), "jni-session-");
    final int port = freePort();
    final String base = "http://127.0.0.1:" + port;
    final Path data = work.resolve("gateway-data");
    final Path config = work.resolve("liaison.toml");
    Files.writeString(
        config,
        "[server]\n"
            + "address = \"127.0.0.1\"\n"
            + "port = " + port + "\n"
            + "data_dir = \"" + data + "\"\n"
            + "shutdown_grace_ms = 2000\n"
            + "[api]\n"
            + "bootstrap_admin_token_env = \"LIAISON_JNI_TEST_TOKEN\"\n"
            + "[sync]\n"
            + "enabled = true\n"
            + "[[tenants]]\n"
            + "id = \"t1\"\n"
            + "default_region = \"DE\"\n");
    ProcessBuilder pb = new ProcessBuilder(args[0], "serve", "--config", config.toString());
    pb.environment().put("LIAISON_JNI_TEST_TOKEN", TOKEN);
    pb.redirectErrorStream(true);
    pb.redirectOutput(work.resolve("gateway.log").toFile());
    Process gateway = pb.start();
    long store = 0;
    long client = 0;
    boolean passed = false;
    try {
      // Ready?
      boolean ready = false;
      for (int i = 0; i < 300 && !ready && gateway.isAlive(); ++i) {
        try {
          ready = http("GET", base + "/readyz", null, false).statusCode() == 200;
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
      check(ready, "the gateway did not become ready; see " + work.resolve("gateway.log"));

      // The ministry publishes a form and a notice (no REST route for that yet: the seed tool).
      Process seed =
          new ProcessBuilder(args[1], data.resolve("liaison.db").toString(), "t1")
              .inheritIO()
              .start();
      check(seed.waitFor(30, TimeUnit.SECONDS) && seed.exitValue() == 0, "seeding failed");

      // An officer creates an enrolment code for the team.
      HttpResponse<String> res =
          http(
              "POST",
              base + "/v1/devices/enrolment-codes",
              "{\"team\":\"drive-1\",\"scopes\":[\"forms\",\"notices:DE\"]}",
              true);
      check(res.statusCode() == 201, "enrolment code: HTTP " + res.statusCode() + " " + res.body());
      Matcher m = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"").matcher(res.body());
      check(m.find(), "no code in " + res.body());
      final String code = m.group(1);

      // The phone.
      byte[] key = new byte[32];
      for (int i = 0; i < key.length; ++i) key[i] = (byte) (i * 13 + 1);
      store = Liaison.storeOpen(work.resolve("phone.db").toString(), key);
      client = Liaison.syncClientNew(store, base, null);
      try {
        Liaison.syncEnrol(client, "not a code");
        check(false, "a malformed code must be refused");
      } catch (LiaisonException e) {
        check(e.code == LiaisonException.INVALID_ARGUMENT, "malformed code: " + e.getMessage());
      }
      String device = Liaison.syncEnrol(client, code);
      check(device.startsWith("dev-"), "device id " + device);
      byte[] report = Liaison.syncRun(client);
      check(varintField(report, 2) == 2, "the form and the notice arrive");
      check(count(Liaison.formList(store), 1) == 1, "one form on the phone");

      // Offline work: a registration and a finalised form.
      Msg contact = new Msg().str(3, "+4915112345678").str(4, "Ayse Yilmaz").str(5, "tr");
      Msg consent = new Msg().str(3, "consent-2026-03").str(4, "tr").str(5, "staff-17");
      String member =
          Liaison.memberRegister(store, new Msg().msg(1, contact).msg(2, consent).build());
      try {
        Liaison.memberRegister(store, new Msg().msg(1, contact).msg(2, consent).build());
        check(false, "the same number twice must be refused");
      } catch (LiaisonException e) {
        check(e.code == LiaisonException.CONFLICT, "duplicate: " + e.getMessage());
      }
      Msg name = new Msg().str(1, "name").str(2, "Ayse Yilmaz");
      Msg size = new Msg().str(1, "size").dbl(3, 4);
      String draft =
          Liaison.submissionSaveDraft(
              store,
              new Msg().str(2, "visit").num(3, 1).msg(4, name).msg(4, size).build());
      Liaison.submissionFinalise(store, draft);
      check(Liaison.pendingCount(store) == 2, "two operations pending");
      check(Liaison.recordSyncState(store, member) == 2, "member pending");

      // Back in range: sync.
      report = Liaison.syncRun(client);
      check(varintField(report, 1) == 2, "two operations sent");
      check(varintField(report, 5) == 0, "nothing pending");
      check(Liaison.recordSyncState(store, member) == 3, "member synced");
      check(Liaison.recordSyncState(store, draft) == 3, "submission synced");

      // The inbox.
      byte[] inbox = Liaison.inboxList(store);
      check(count(inbox, 1) == 1, "one notice in the inbox");

      // The gateway knows the device.
      res = http("GET", base + "/v1/devices/" + device, null, true);
      check(res.statusCode() == 200, "device on the gateway: HTTP " + res.statusCode());
      System.out.println(
          "OfflineSessionTest: OK (device " + device + ", core " + Liaison.version() + ")");
      passed = true;
    } finally {
      if (client != 0) Liaison.syncClientFree(client);
      if (store != 0) Liaison.storeClose(store);
      gateway.destroy();  // SIGTERM: a clean stop
      if (!gateway.waitFor(20, TimeUnit.SECONDS)) gateway.destroyForcibly();
      if (passed) deleteTree(work.toFile());  // kept for a look when the test fails
    }
  }
}
