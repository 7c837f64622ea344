# The verisat image for docker-compose.yml: web and worker processes run the same image with a
# different command. Production points at real Redis and MongoDB, so no Java or redis-server here.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# tsx runs the TypeScript sources (it is how npm run start:web / start:workers run them too).
RUN npm ci --include=dev --ignore-scripts && npm cache clean --force
COPY src ./src
COPY workers ./workers
COPY voice-flows ./voice-flows
COPY tsconfig.json ./
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "src/main.ts"]
