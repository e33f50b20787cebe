# Build: the whole Maven build (tests are run by scripts/test.sh, which needs Redis and ClickHouse).
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q -DskipTests package

# Run: a JRE, the one shaded jar, UTC, and curl for the container health check.
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 engagement
WORKDIR /app
COPY --from=build /src/target/engagement-service.jar target/engagement-service.jar
USER engagement
# The heap is sized once at start (Initial = Max): a growing heap commits regions on the request path.
# scripts/run.sh also pre-touches its fixed 2 GiB (-XX:+AlwaysPreTouch); here the heap is a share of what
# the container is given, so add it to JAVA_TOOL_OPTIONS only with a memory limit set.
ENV TZ=UTC \
    HTTP_PORT=8080 \
    JAVA_TOOL_OPTIONS="-Duser.timezone=UTC -XX:InitialRAMPercentage=75 -XX:MaxRAMPercentage=75 -XX:+UseShenandoahGC"
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/live || exit 1
# exec form: java is PID 1 and receives SIGTERM, so it drains its buffers before exiting.
CMD ["java", "-jar", "target/engagement-service.jar"]
